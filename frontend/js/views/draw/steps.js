// The Draw view's "What the network sees": the MNIST preprocessing the drawing went through —
// the ink and its crop box, the 20×20 scaled digit, the centred 28×28 with its centre of mass.
import { fromRows } from "../../lib/arrays.js";
import { scaleFor } from "../../lib/colour.js";
import { fixed, grouped } from "../../lib/format.js";
import { heatmapCanvas, legend } from "../../components/heatmap.js";
import { el, svg } from "../../components/dom.js";

const unit = scaleFor([0, 1]);

function figure(map, label, caption, overlay, size) {
  const picture = heatmapCanvas(map, { size, label, scale: unit });
  picture.style.width = "100%";
  picture.style.height = "100%";
  const frame = el("div", { class: "draw-step-image" }, picture);
  frame.style.aspectRatio = `${map.width} / ${map.height}`;
  if (overlay) frame.append(overlay);
  return el("figure", { class: "draw-step" }, frame, el("figcaption", {}, ...caption));
}

/** The three steps of `pre` (a prediction's `preprocessing`) ending with the 28×28 `input`. */
function preparedSteps(pre, input) {
  const items = [];
  const ink = fromRows(pre.ink);
  const [x0, y0, x1, y1] = pre.bbox;
  const s = pre.ink_scale;
  const box = svg("svg", { viewBox: `0 0 ${ink.width} ${ink.height}`, class: "draw-overlay", "aria-hidden": "true", preserveAspectRatio: "none" });
  box.append(svg("rect", {
    x: x0 * s, y: y0 * s, width: (x1 - x0) * s, height: (y1 - y0) * s,
    class: "draw-bbox", "vector-effect": "non-scaling-stroke",
  }));
  const [h, w] = pre.ink_size;
  items.push(figure(ink, "Step 1, the ink with its bounding box:", [
    el("strong", { text: "1. Find the ink. " }),
    `Your ${grouped(w)}×${grouped(h)} drawing as ink (1) on background (0)`,
    pre.inverted ? ", dark ink on a light background turned around" : "",
    `. The orange box (${grouped(x1 - x0)}×${grouped(y1 - y0)} px) is kept; the rest is cropped away.`,
  ], box));
  const scaled = fromRows(pre.scaled);
  items.push(figure(scaled, "Step 2, scaled to 20 by 20:", [
    el("strong", { text: "2. Scale to 20×20. " }),
    "The box's longer side becomes 20 pixels, keeping its shape; each pixel averages the ink it covers, so edges turn grey.",
  ]));
  const [cy, cx] = pre.center_of_mass;
  const [dy, dx] = pre.shift;
  const marks = svg("svg", { viewBox: "0 0 28 28", class: "draw-overlay", "aria-hidden": "true" });
  const fx = cx + dx + 0.5;
  const fy = cy + dy + 0.5;
  marks.append(
    svg("line", { x1: cx + 0.5, y1: cy + 0.5, x2: fx, y2: fy, class: "draw-shift", "vector-effect": "non-scaling-stroke" }),
    svg("circle", { cx: cx + 0.5, cy: cy + 0.5, r: 0.6, class: "draw-com-before" }),
    svg("line", { x1: fx - 1.4, y1: fy, x2: fx + 1.4, y2: fy, class: "draw-com", "vector-effect": "non-scaling-stroke" }),
    svg("line", { x1: fx, y1: fy - 1.4, x2: fx, y2: fy + 1.4, class: "draw-com", "vector-effect": "non-scaling-stroke" }),
  );
  items.push(figure(input, "Step 3, the 28 by 28 input the network sees:", [
    el("strong", { text: "3. Centre in 28×28. " }),
    `Placed in the middle of a 28×28 frame, then moved by (${fixed(dy, 2)}, ${fixed(dx, 2)}) px (rows, columns) so the centre of mass (+) lands on (14, 14). This is what the network sees.`,
  ], marks));
  return items;
}

/** The steps panel; `render(answer)` shows a prediction's preprocessing, `empty()` a note. */
export function stepsPanel() {
  const steps = el("div", { class: "draw-steps", "data-steps": true });
  const panel = el("section", { class: "panel draw-steps-panel", "aria-labelledby": "draw-steps-title" },
    el("h2", { id: "draw-steps-title", text: "What the network sees" }),
    el("p", { class: "muted", text: "A network trained on MNIST expects digits prepared the way MNIST's were: cropped to the ink, the longer side scaled to 20 pixels, then centred by its centre of mass in a 28×28 frame." }),
    steps);
  return {
    panel,
    render(answer) {
      const input = fromRows(answer.input);
      const items = answer.preprocessing
        ? preparedSteps(answer.preprocessing, input)
        : [figure(input, "The 28 by 28 input the network sees:", [
          el("strong", { text: "Already prepared. " }),
          "MNIST's test digits are already cropped, scaled to 20 px and centred in 28×28: the network reads them as they are.",
        ])];
      steps.replaceChildren(...items, el("div", { class: "draw-steps-legend" }, legend(unit, "ink: 0 = background, 1 = full ink")));
    },
    empty() {
      steps.replaceChildren(el("p", { class: "muted", text: "The steps appear when there is a digit to read." }));
    },
  };
}
