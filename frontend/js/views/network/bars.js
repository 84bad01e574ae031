// The Network view's vectors: a dense layer's values as bars on a canvas (down a column when the
// layers run left to right, across a row when they run top to bottom), and the last layer's
// values as bars labelled with the class each unit scores.
import { extent } from "../../lib/arrays.js";
import { css } from "../../lib/colour.js";
import { fixed } from "../../lib/format.js";
import { el } from "../../components/dom.js";

/** How long a value's bar is, as a share of `span`, and where it starts: signed values grow
 * both ways from the middle, others from the start. */
function barOf(value, scale, span) {
  const signed = scale.kind === "diverging";
  const bound = signed ? scale.max || 1 : scale.max - scale.min || 1;
  const length = (Math.abs(signed ? value : value - scale.min) / bound) * (signed ? span / 2 : span);
  const start = signed ? (value < 0 ? span / 2 - length : span / 2) : 0;
  return { start, length };
}

/** The colour of a value's bar: its own for signed values, else deeper the longer it is. */
function colourOf(value, scale) {
  return css(scale.colour(scale.kind === "diverging" ? value : Math.min(value, scale.max * 0.85 + scale.min * 0.15)));
}

/**
 * `values` as bars on a `width`×`height` canvas (CSS px), one per value along `along` ("y":
 * stacked down, growing right; "x": side by side, growing up).
 */
export function barsCanvas(values, scale, name, { width, height, along }) {
  const ratio = window.devicePixelRatio || 1;
  const canvas = el("canvas", { class: "bars", role: "img", "data-bars": name });
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext("2d");
  ctx.scale(ratio, ratio);
  const down = along === "y";
  const [pitch, span] = down ? [height / values.length, width] : [width / values.length, height];
  const inset = pitch > 4 ? 1 : 0;
  values.forEach((v, i) => {
    const { start, length } = barOf(v, scale, span);
    ctx.fillStyle = colourOf(v, scale);
    const along0 = i * pitch + inset / 2;
    const thick = Math.max(pitch - inset, 0.5);
    if (down) ctx.fillRect(start, along0, Math.max(length, 0.5), thick);
    else ctx.fillRect(along0, span - start - Math.max(length, 0.5), thick, Math.max(length, 0.5));
  });
  if (scale.kind === "diverging") {
    ctx.fillStyle = "rgba(128,128,128,0.8)";
    if (down) ctx.fillRect(span / 2 - 0.5, 0, 1, height);
    else ctx.fillRect(0, span / 2 - 0.5, width, 1);
  }
  const [lo, hi] = extent(values);
  let best = 0;
  values.forEach((v, i) => { if (v > values[best]) best = i; });
  canvas.setAttribute("aria-label", `${name}: ${values.length} values from ${fixed(lo, 2)} to ${fixed(hi, 2)}; the largest is unit ${best} (${fixed(values[best], 2)})`);
  return canvas;
}

/** The last layer's values, one labelled row per class (`[data-unit]`, in class order): the
 * class name, a bar from zero, the value. */
export function classBars(values, classes, scale, name) {
  const rows = values.map((v, k) => {
    const { start, length } = barOf(v, scale, 100);
    const fill = el("span", { class: "logit-fill" });
    // where it starts and how long it is, across (or up, top to bottom: network.css)
    fill.style.setProperty("--start", `${start}%`);
    fill.style.setProperty("--length", `${Math.max(length, 0.5)}%`);
    fill.style.background = colourOf(v, scale);
    return el("li", { class: "logit", "data-unit": "", "data-logit": String(k), "aria-label": `${classes[k]}: ${fixed(v, 2)}` },
      el("span", { class: "logit-label", text: classes[k] }),
      el("span", { class: "logit-bar", "aria-hidden": "true" }, fill));
  });
  return el("ol", { class: "logits", "aria-label": `${name}, the score of each class` }, ...rows);
}
