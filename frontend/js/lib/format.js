// Numbers as the views show them: the same rounding everywhere, so a value in the stepper and
// the same value in the network view read alike.

/** `value` with `digits` decimals, a true minus sign, and "−0" shown as "0". */
export function fixed(value, digits = 3) {
  if (!Number.isFinite(value)) return String(value);
  const text = value.toFixed(digits);
  const zero = Number(text) === 0;
  return (zero ? text.replace("-", "") : text).replace("-", "\u2212");
}

/** A compact number for axes and labels: 3 significant digits, k/M for large values. */
export function compact(value) {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${fixed(value / 1e6, 1)}M`;
  if (abs >= 1e4) return `${fixed(value / 1e3, 1)}k`;
  if (abs >= 100 || abs === 0) return fixed(value, 0);
  return fixed(Number(value.toPrecision(3)), Math.max(0, 2 - Math.floor(Math.log10(abs))));
}

/** "61,706" */
export const grouped = (value) => Math.round(value).toLocaleString("en-US");

/** 0.98843 -> "98.84%" */
export const percent = (value, digits = 2) => `${fixed(value * 100, digits)}%`;

/** A shape without the batch axis: [1, 6, 28, 28] -> "6×28×28". */
export const shapeText = (shape) => shape.slice(shape.length === 4 ? 1 : 0).join("×");
