// The activation plot: f and f' as the server sampled them, on shared axes, the stretches where
// f' vanishes shaded, its peak marked, and a readout of the sample under the pointer (or chosen
// with the arrow keys): x, f(x), f'(x) exactly as the server sent them. The drawing is laid out
// again when its box changes width, so its text keeps its size on a phone.
import { svg } from "../../components/dom.js";
import { extent, linear, nearestIndex, polylinePoints } from "../../lib/curve.js";
import { fixed } from "../../lib/format.js";
import { niceTicks, stepDecimals } from "../../lib/ticks.js";

const MARGIN = { top: 14, right: 16, bottom: 40, left: 52 };

/** `activationPlot(frame, readout)`: draws into `frame` (a div), reads out into `readout` (a
 * paragraph); returns {show(curve)}, `curve` being GET /api/activations/{name}'s answer. */
export function activationPlot(frame, readout) {
  const drawing = svg("svg", { class: "act-svg", tabindex: 0, role: "img", "data-act-plot": "" });
  frame.append(drawing);
  let curve = null;
  let active = -1;
  let width = 0;
  let map = null; // {sx, sy, height}

  function layout() {
    if (!curve || !width) return;
    const height = Math.round(Math.min(420, Math.max(240, width * 0.55)));
    const [lo, hi] = extent(curve.y, curve.dy);
    const yt = niceTicks(Math.min(lo, 0), Math.max(hi, 1), 6);
    const xt = niceTicks(curve.x[0], curve.x[curve.x.length - 1], width < 500 ? 4 : 6);
    const sx = linear([curve.x[0], curve.x[curve.x.length - 1]], [MARGIN.left, width - MARGIN.right]);
    const sy = linear([yt.min, yt.max], [height - MARGIN.bottom, MARGIN.top]);
    map = { sx, sy, height };
    drawing.setAttribute("viewBox", `0 0 ${width} ${height}`);
    drawing.setAttribute("width", width);
    drawing.setAttribute("height", height);
    drawing.setAttribute("aria-label", `${curve.title} and its derivative for x from ${curve.x[0]} to ${curve.x[curve.x.length - 1]}. ${curve.notes.join(". ")}.`);
    const parts = [];
    for (const { start, end } of curve.vanishing) {
      parts.push(svg("rect", { class: "act-vanish", x: sx(start), y: MARGIN.top, width: Math.max(1, sx(end) - sx(start)), height: height - MARGIN.top - MARGIN.bottom }));
    }
    for (const t of yt.ticks) {
      parts.push(svg("line", { class: t === 0 ? "act-zero" : "act-grid", x1: MARGIN.left, x2: width - MARGIN.right, y1: sy(t), y2: sy(t) }));
      parts.push(label(MARGIN.left - 6, sy(t), fixed(t, stepDecimals(yt.step)), "end", "middle"));
    }
    for (const t of xt.ticks.filter((v) => v >= curve.x[0] && v <= curve.x[curve.x.length - 1])) {
      parts.push(svg("line", { class: t === 0 ? "act-zero" : "act-grid", x1: sx(t), x2: sx(t), y1: MARGIN.top, y2: height - MARGIN.bottom }));
      parts.push(label(sx(t), height - MARGIN.bottom + 18, fixed(t, stepDecimals(xt.step)), "middle", "auto"));
    }
    parts.push(label((MARGIN.left + width - MARGIN.right) / 2, height - 4, "x", "middle", "auto", "act-axis-label"));
    parts.push(svg("polyline", { class: "act-f", points: polylinePoints(curve.x, curve.y, sx, sy) }));
    parts.push(svg("polyline", { class: "act-df", points: polylinePoints(curve.x, curve.dy, sx, sy) }));
    const peak = svg("circle", { class: "act-peak", cx: sx(curve.derivative_max_from), cy: sy(curve.derivative_max), r: 6 });
    parts.push(peak);
    parts.push(svg("g", { class: "act-cursor", "data-act-cursor": "" }));
    drawing.replaceChildren(...parts);
    show(active);
  }

  function label(x, y, text, anchor, baseline, className = "act-tick") {
    const node = svg("text", { x, y, class: className, "text-anchor": anchor, "dominant-baseline": baseline });
    node.textContent = text;
    return node;
  }

  /** Mark sample `index` and read it out; -1: the readout says how to read values. */
  function show(index) {
    active = index;
    const cursor = drawing.querySelector("[data-act-cursor]");
    if (!curve || !map || index < 0) {
      cursor?.replaceChildren();
      readout.textContent = "Hover the plot, or focus it and use ← →, to read f(x) and f'(x).";
      for (const key of ["x", "y", "dy"]) delete readout.dataset[key];
      return;
    }
    const { sx, sy, height } = map;
    const x = curve.x[index];
    cursor.replaceChildren(
      svg("line", { class: "act-guide", x1: sx(x), x2: sx(x), y1: MARGIN.top, y2: height - MARGIN.bottom }),
      svg("circle", { class: "act-dot-f", cx: sx(x), cy: sy(curve.y[index]), r: 5 }),
      svg("circle", { class: "act-dot-df", cx: sx(x), cy: sy(curve.dy[index]), r: 5 }),
    );
    readout.textContent = `x = ${fixed(x, 2)} · f(x) = ${fixed(curve.y[index], 4)} · f'(x) = ${fixed(curve.dy[index], 4)}`;
    Object.assign(readout.dataset, { x: curve.x[index], y: curve.y[index], dy: curve.dy[index] });
  }

  drawing.addEventListener("pointermove", (event) => {
    if (!curve || !map) return;
    const box = drawing.getBoundingClientRect();
    const at = ((event.clientX - box.left) / box.width) * width;
    const x = curve.x[0] + ((at - MARGIN.left) / (width - MARGIN.left - MARGIN.right)) * (curve.x[curve.x.length - 1] - curve.x[0]);
    show(nearestIndex(curve.x, x));
  });
  drawing.addEventListener("keydown", (event) => {
    if (!curve) return;
    const moves = { ArrowRight: 1, ArrowLeft: -1, PageUp: 20, PageDown: -20 };
    const last = curve.x.length - 1;
    const from = active < 0 ? nearestIndex(curve.x, 0) : active;
    if (event.key in moves) show(Math.max(0, Math.min(last, from + moves[event.key])));
    else if (event.key === "Home") show(0);
    else if (event.key === "End") show(last);
    else return;
    event.preventDefault();
  });
  drawing.addEventListener("focus", () => { if (curve && active < 0) show(nearestIndex(curve.x, 0)); });

  new ResizeObserver(() => {
    const w = Math.round(frame.clientWidth);
    if (w > 0 && w !== width) {
      width = w;
      layout();
    }
  }).observe(frame);

  return {
    show(next) {
      const kept = curve && active >= 0 ? curve.x[active] : null;
      curve = next;
      active = kept === null ? -1 : nearestIndex(curve.x, kept);
      layout();
    },
  };
}
