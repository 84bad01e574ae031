// The Network view's dense layers: a vector of values as horizontal bars on a canvas.
import { extent } from "../../lib/arrays.js";
import { css } from "../../lib/colour.js";
import { fixed } from "../../lib/format.js";
import { el } from "../../components/dom.js";

/** Horizontal bars for a vector of values (signed colours), drawn on a canvas; `zoom` scales
 * them up on large screens. */
export function barsCanvas(values, scale, name, zoom) {
  const rowH = Math.round((values.length > 60 ? 4 : values.length > 20 ? 8 : 18) * zoom);
  const width = Math.round(120 * zoom);
  const ratio = window.devicePixelRatio || 1;
  const canvas = el("canvas", { class: "bars", role: "img" });
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(values.length * rowH * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${values.length * rowH}px`;
  const ctx = canvas.getContext("2d");
  ctx.scale(ratio, ratio);
  const signed = scale.kind === "diverging";
  const zero = signed ? width / 2 : 0;
  const span = signed ? width / 2 : width;
  const bound = signed ? scale.max : scale.max - scale.min || 1;
  values.forEach((v, i) => {
    const length = (Math.abs(signed ? v : v - scale.min) / bound) * span;
    ctx.fillStyle = css(signed ? scale.colour(v) : scale.colour(scale.max * 0.85 * Math.min(1, length / span) + scale.min));
    const x = signed && v < 0 ? zero - length : zero;
    ctx.fillRect(x, i * rowH + (rowH > 4 ? 1 : 0.5), Math.max(length, 0.5), rowH > 4 ? rowH - 2 : rowH - 1);
  });
  if (signed) {
    ctx.fillStyle = "rgba(128,128,128,0.8)";
    ctx.fillRect(zero - 0.5, 0, 1, values.length * rowH);
  }
  const [lo, hi] = extent(values);
  let best = 0;
  values.forEach((v, i) => { if (v > values[best]) best = i; });
  canvas.setAttribute("aria-label", `${name}: ${values.length} values from ${fixed(lo, 2)} to ${fixed(hi, 2)}; the largest is unit ${best} (${fixed(values[best], 2)})`);
  canvas.rowH = rowH;
  return canvas;
}
