// The Pooling view's shared pieces: maps with an SVG overlay, grids of numbers with a power of
// ten, the window of a pooling layer, and telling an aborted request from a failure.
import { extent } from "../../lib/arrays.js";
import { css, inkOn } from "../../lib/colour.js";
import { compact, fixed } from "../../lib/format.js";
import { layerWindow } from "../../lib/geometry.js";
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

/** A small grid of numbers, each cell coloured by `scale`; `mark` = [row, col] to ring. */
export function numberGrid(matrix, scale, { mark = null, label = "", digits = 2, hook = null, power = 0 } = {}) {
  const cols = matrix[0] ? matrix[0].length : 0;
  const unit = 10 ** power;
  const grid = el("div", { class: "pool-grid", role: "table", "aria-label": label });
  if (hook) grid.setAttribute(hook, "");
  grid.style.gridTemplateColumns = `repeat(${cols}, minmax(0, 1fr))`;
  matrix.forEach((row, r) => {
    row.forEach((value, c) => {
      const rgb = scale.colour(value);
      const cell = el("span", { class: "pool-cell num", role: "cell", text: fixed(value / unit, digits) });
      cell.title = fixed(value, 6);
      cell.style.background = css(rgb);
      cell.style.color = inkOn(rgb);
      if (mark && mark[0] === r && mark[1] === c) {
        cell.classList.add("is-winner");
        cell.setAttribute("data-window-winner", "");
      }
      grid.append(cell);
    });
  });
  return grid;
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

/** The kernel size and stride of a pooling (or conv) layer's spec, as single numbers. */
export const kernelOf = (spec) => {
  const w = layerWindow(spec);
  if (!w) return null;
  const k = Array.isArray(w.k) ? w.k[0] : w.k;
  const s = Array.isArray(w.s) ? w.s[0] : w.s;
  return { k, s };
};

/** Whether a layer type is a pooling layer (MaxPool2D, AvgPool2D). */
export const isPool = (type) => /Pool/.test(type);
