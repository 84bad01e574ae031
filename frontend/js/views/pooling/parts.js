// The Pooling view's shared pieces: maps with an SVG overlay, the power of ten that keeps small
// gradients readable in a grid of numbers, a window's rectangle, and which layers pool.
import { extent } from "../../lib/arrays.js";
import { compact } from "../../lib/format.js";
import { drawHeatmap } from "../../components/heatmap.js";
import { el, svg } from "../../components/dom.js";

/** A canvas showing `map` with `scale`, sized by CSS (class `map`), with an accessible name. */
export function mapCanvas(map, scale, label) {
  const canvas = document.createElement("canvas");
  drawHeatmap(canvas, map, scale);
  canvas.setAttribute("role", "img");
  const [lo, hi] = extent(map.data);
  canvas.setAttribute("aria-label", `${label}: ${map.height}×${map.width} map, values ${compact(lo)} to ${compact(hi)}`);
  return canvas;
}

/** A map with an SVG overlay in map coordinates (viewBox = W×H), for grids, windows and marks. */
export function stage(map, scale, label, className = "") {
  const canvas = mapCanvas(map, scale, label);
  const overlay = svg("svg", {
    viewBox: `0 0 ${map.width} ${map.height}`, preserveAspectRatio: "none", "aria-hidden": "true",
  });
  overlay.classList.add("pool-overlay");
  const root = el("div", { class: `pool-stage ${className}` }, canvas);
  root.append(overlay);
  return { root, canvas, overlay };
}

/** The power of ten that brings the largest |value| of `matrix` to 1–10 (0 when it is 0 or
 * already between 0.1 and 100), so small gradients show as a few readable digits "× 10^p". */
export function powerOf(matrix) {
  const bound = Math.max(0, ...matrix.flat().map(Math.abs));
  if (!bound || (bound >= 0.1 && bound < 100)) return 0;
  return Math.floor(Math.log10(bound));
}
const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
export const powerText = (p) => (p ? ` (× 10${String(p).split("").map((ch) => SUPERSCRIPT[ch]).join("")})` : "");

/** Whether a layer type is a pooling layer (MaxPool2D, AvgPool2D). */
export const isPool = (type) => /Pool/.test(type);

/** The SVG rectangle of the window reading input `rows` × `cols` (ascending, as the API lists
 * them; outside the map: padding), in map coordinates. */
export const windowRect = (rows, cols, attrs = {}) => svg("rect", {
  ...attrs, x: cols[0], y: rows[0], width: cols.at(-1) - cols[0] + 1, height: rows.at(-1) - rows[0] + 1,
});
