// The Draw view's "What the network sees": the MNIST preprocessing the drawing went through —
// the ink and its crop box, the strokes' width (thinned when too thick for the digit's size),
// the 20×20 scaled digit, the centred 28×28 with its centre of mass. The server measures and
// prepares; this module shows its numbers. The figures are built once and redrawn in place: they
// change on every stroke.
import { fromRows } from "../../lib/arrays.js";
import { scaleFor } from "../../lib/colour.js";
import { fixed, grouped, percent } from "../../lib/format.js";
import { drawHeatmap, legend, nameMap } from "../../components/heatmap.js";
import { el, svg } from "../../components/dom.js";

const unit = scaleFor([0, 1]);

/** A figure whose `show(map, label, caption)` redraws its heatmap and caption; `overlay` (an SVG
 * over the picture) is the caller's to update. */
function stepFigure(overlay) {
  const picture = el("canvas", { class: "map" });
  picture.style.width = "100%";
  picture.style.height = "100%";
  const frame = el("div", { class: "draw-step-image" }, picture, overlay);
  const caption = el("figcaption");
  return {
    node: el("figure", { class: "draw-step" }, frame, caption),
    show(map, label, parts) {
      drawHeatmap(picture, map, unit);
      nameMap(picture, map, label);
      frame.style.aspectRatio = `${map.width} / ${map.height}`;
      caption.replaceChildren(...parts);
    },
  };
}

const set = (node, attrs) => {
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
};

/** The caption of the stroke-width step, from the server's measurements (`pre.strokes`). */
function strokeCaption(strokes) {
  const { width, size, relative, thinned, relative_after: after, limit, mnist } = strokes;
  return [
    el("strong", { text: "2. Check the stroke width. " }),
    `Your strokes are about ${grouped(width)} px wide, ${percent(relative, 0)} of the digit's ${grouped(size)} px; `,
    `MNIST's are about ${percent(mnist, 0)} and rarely over ${percent(limit, 0)}. `,
    thinned
      ? `Too thick for the digit's size (a blob once it is 20 px), so they are thinned to ${percent(after, 0)}.`
      : "Left as they are.",
  ];
}

/** The four steps of a prediction's `preprocessing`, ending with the 28×28 input. */
function preparedSteps() {
  const box = svg("svg", { class: "draw-overlay", "aria-hidden": "true", preserveAspectRatio: "none" });
  const rect = svg("rect", { class: "draw-bbox", "vector-effect": "non-scaling-stroke" });
  box.append(rect);
  const marks = svg("svg", { viewBox: "0 0 28 28", class: "draw-overlay", "aria-hidden": "true" });
  const line = (name) => svg("line", { class: name, "vector-effect": "non-scaling-stroke" });
  const shift = line("draw-shift");
  const before = svg("circle", { r: 0.6, class: "draw-com-before" });
  const across = line("draw-com");
  const down = line("draw-com");
  marks.append(shift, before, across, down);
  const ink = stepFigure(box);
  const strokes = stepFigure();
  const scaled = stepFigure();
  const centred = stepFigure(marks);
  return {
    nodes: [ink.node, strokes.node, scaled.node, centred.node],
    show(pre, input) {
      const inkMap = fromRows(pre.ink);
      const [x0, y0, x1, y1] = pre.bbox;
      const s = pre.ink_scale;
      set(box, { viewBox: `0 0 ${inkMap.width} ${inkMap.height}` });
      set(rect, { x: x0 * s, y: y0 * s, width: (x1 - x0) * s, height: (y1 - y0) * s });
      const [h, w] = pre.ink_size;
      ink.show(inkMap, "Step 1, the ink with its bounding box:", [
        el("strong", { text: "1. Find the ink. " }),
        `Your ${grouped(w)}×${grouped(h)} drawing as ink (1) on background (0)`,
        pre.inverted ? ", dark ink on a light background turned around" : "",
        `. The orange box (${grouped(x1 - x0)}×${grouped(y1 - y0)} px) is kept; the rest is cropped away.`,
      ]);
      strokes.node.dataset.thinned = String(pre.strokes.thinned);
      strokes.show(fromRows(pre.strokes.image), "Step 2, the strokes at a width MNIST's digits have:",
        strokeCaption(pre.strokes));
      scaled.show(fromRows(pre.scaled), "Step 3, scaled to 20 by 20:", [
        el("strong", { text: "3. Scale to 20×20. " }),
        "The box's longer side becomes 20 pixels, keeping its shape; each pixel averages the ink it covers, so edges turn grey.",
      ]);
      const [cy, cx] = pre.center_of_mass;
      const [dy, dx] = pre.shift;
      const fx = cx + dx + 0.5;
      const fy = cy + dy + 0.5;
      set(shift, { x1: cx + 0.5, y1: cy + 0.5, x2: fx, y2: fy });
      set(before, { cx: cx + 0.5, cy: cy + 0.5 });
      set(across, { x1: fx - 1.4, y1: fy, x2: fx + 1.4, y2: fy });
      set(down, { x1: fx, y1: fy - 1.4, x2: fx, y2: fy + 1.4 });
      centred.show(input, "Step 4, the 28 by 28 input the network sees:", [
        el("strong", { text: "4. Centre in 28×28. " }),
        `Placed in the middle of a 28×28 frame, then moved by (${fixed(dy, 2)}, ${fixed(dx, 2)}) px (rows, columns) so the centre of mass (+) lands on (14, 14). This is what the network sees.`,
      ]);
    },
  };
}

/** What a digit that came prepared is, by where it came from: the gallery or a link. */
const READY = {
  gallery: ["Already prepared. ", "MNIST's test digits are already cropped, scaled to 20 px and centred in 28×28: the network reads them as they are."],
  link: ["From the link. ", "The 28×28 the network saw where the link was made, pixel for pixel: it reads it as it is."],
};

/** The one step of a digit that came prepared (`origin`: "gallery" or "link"). */
function readyStep() {
  const figure = stepFigure();
  return {
    nodes: [figure.node],
    show(pre, input, origin) {
      const [title, text] = READY[origin];
      figure.show(input, "The 28 by 28 input the network sees:", [el("strong", { text: title }), text]);
    },
  };
}

/** The steps panel; `render(answer, origin)` shows a prediction's preprocessing (or, for a digit
 * that came prepared, where it came from: "gallery" or "link"), `empty()` a note. */
export function stepsPanel() {
  const steps = el("div", { class: "draw-steps", "data-steps": true });
  const panel = el("section", { class: "panel draw-steps-panel", "aria-labelledby": "draw-steps-title" },
    el("h2", { id: "draw-steps-title", text: "What the network sees" }),
    el("p", { class: "muted", text: "A network trained on MNIST expects digits prepared the way MNIST's were: cropped to the ink, strokes about as wide as MNIST's, the longer side scaled to 20 pixels, then centred by its centre of mass in a 28×28 frame of 8-bit pixels." }),
    steps);
  const key = el("div", { class: "draw-steps-legend" }, legend(unit, "ink: 0 = background, 1 = full ink"));
  const layouts = { prepared: null, ready: null };
  let shown = null;
  return {
    panel,
    render(answer, origin = "gallery") {
      const kind = answer.preprocessing ? "prepared" : "ready";
      const layout = layouts[kind] || (layouts[kind] = kind === "prepared" ? preparedSteps() : readyStep());
      layout.show(answer.preprocessing, fromRows(answer.input), origin);
      if (shown !== layout) steps.replaceChildren(...layout.nodes, key);
      shown = layout;
    },
    empty() {
      shown = null;
      steps.replaceChildren(el("p", { class: "muted", text: "The steps appear when there is a digit to read." }));
    },
  };
}
