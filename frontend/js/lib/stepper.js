// Pure helpers of the convolution stepper and playground: row-major step indices, clamping a
// position to a layer's output, the per-channel sums of the API's products, cache keys, and the
// playground's link keys (its kernel and its settings, bounded). No DOM, and no window or
// output-size maths: those come from the API's answers.

/** Row-major step index of (row, col) in a map `outW` wide. */
export const stepIndex = (row, col, outW) => row * outW + col;

/** Output cell number `step` (row-major) of a map `outW` wide, as {row, col}. */
export const cellOf = (step, outW) => ({ row: Math.floor(step / outW), col: step % outW });

/** (row, col) clamped into an outH×outW map (non-numbers become 0). */
export function clampPosition(row, col, outH, outW) {
  const clamp = (v, n) => Math.min(Math.max(Number.isInteger(v) ? v : 0, 0), Math.max(n - 1, 0));
  return { row: clamp(row, outH), col: clamp(col, outW) };
}

/** The step after `step` moved by `delta`, kept within [0, total − 1]. */
export const moveStep = (step, delta, total) => Math.min(Math.max(step + delta, 0), total - 1);

/** Sum of each channel of a [C][KH][KW] list (the per-channel sums of the products). */
export function channelSums(tensor) {
  return tensor.map((plane) => plane.reduce((acc, row) => acc + row.reduce((a, v) => a + v, 0), 0));
}

/** The key of one conv-step answer in the cache. */
export const stepKey = (parts) => parts.map(String).join("|");

// -- the playground's link keys ------------------------------------------------------------------

/** The largest kernel side the API slides, and the largest |value| it takes. */
export const MAX_KERNEL_SIDE = 7;
const MAX_VALUE = 1e6;

/** A kernel's values in a link: "3x5:1,0,-1,…" (rows × columns, row-major, 6 significant digits),
 * or the name of a named kernel as it is. */
export function formatKernel(kernel) {
  if (typeof kernel === "string") return kernel;
  const short = (v) => String(Number(v.toPrecision(6)));
  return `${kernel.length}x${kernel[0].length}:${kernel.flat().map(short).join(",")}`;
}

/**
 * A link's `kernel` value: `{name}` for a name (letters, digits, _), `{values}` ([rows][cols])
 * for "RxC:v,v,…" with 1 to 7 rows and columns, exactly R·C finite numbers within ±10^6; null
 * for anything else (the view then shows its default).
 */
export function parseKernel(text) {
  const value = String(text ?? "");
  if (/^[a-z][a-z0-9_]{0,31}$/.test(value)) return { name: value };
  const match = /^([1-7])x([1-7]):([-0-9.e+,]{1,700})$/.exec(value);
  if (!match) return null;
  const [rows, cols] = [Number(match[1]), Number(match[2])];
  const numbers = match[3].split(",").map(Number);
  if (numbers.length !== rows * cols) return null;
  if (!numbers.every((v) => Number.isFinite(v) && Math.abs(v) <= MAX_VALUE)) return null;
  return { values: Array.from({ length: rows }, (_, r) => numbers.slice(r * cols, (r + 1) * cols)) };
}

/** The playground's settings the link keeps, as they open when it has none. */
export const PLAYGROUND_DEFAULTS = { size: 28, stride: 1, padding: "same", dilation: 1, flip: false };

/** Settings as a link value: "size,stride,padding,dilation[,flip]", e.g. "12,2,1,1,flip". */
export function formatPlayground({ size, stride, padding, dilation, flip }) {
  return [size, stride, padding, dilation, ...(flip ? ["flip"] : [])].join(",");
}

/**
 * A link's `playground` value as settings, each within the range the page offers (size 3-64,
 * stride 1-8, padding valid/same/full or 0-32, dilation 1-8); a part out of range or missing
 * takes its default.
 */
export function parsePlayground(text) {
  const parts = String(text ?? "").split(",");
  const whole = (v, lo, hi, fallback) => {
    const n = Number(v);
    return /^\d+$/.test(String(v)) && n >= lo && n <= hi ? n : fallback;
  };
  const d = PLAYGROUND_DEFAULTS;
  const padding = ["valid", "same", "full"].includes(parts[2]) ? parts[2] : whole(parts[2], 0, 32, d.padding);
  return {
    size: whole(parts[0], 3, 64, d.size),
    stride: whole(parts[1], 1, 8, d.stride),
    padding,
    dilation: whole(parts[3], 1, 8, d.dilation),
    flip: parts[4] === "flip",
  };
}
