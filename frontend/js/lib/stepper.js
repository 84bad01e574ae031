// Pure helpers of the convolution stepper and playground: step indices, clamping a position to a
// layer's output, the padded grid's first window, the size formula with uneven padding, and the
// per-channel sums of the API's products. No DOM.
import { outputSize, windowAt } from "./geometry.js";

/** Row-major step index of (row, col) in a map `outW` wide. */
export const stepIndex = (row, col, outW) => row * outW + col;

/** (row, col) clamped into an outH×outW map (non-numbers become 0). */
export function clampPosition(row, col, outH, outW) {
  const clamp = (v, n) => Math.min(Math.max(Number.isInteger(v) ? v : 0, 0), Math.max(n - 1, 0));
  return { row: clamp(row, outH), col: clamp(col, outW) };
}

/** The step after `step` moved by `delta`, kept within [0, total − 1]. */
export const moveStep = (step, delta, total) => Math.min(Math.max(step + delta, 0), total - 1);

/**
 * The output-size formula for one axis, padding `before` and `after` (equal or not), e.g.
 * "⌊(28 + 2·1 − 1·(3 − 1) − 1) / 1⌋ + 1 = 28" or "⌊(28 + 0 + 1 − 1·(2 − 1) − 1) / 1⌋ + 1 = 28".
 */
export function formulaUneven(n, k, s, before, after, d) {
  const out = outputSize(n, k, s, before, after, d);
  const pad = before === after ? `2\u00b7${before}` : `${before} + ${after}`;
  return `\u230a(${n} + ${pad} \u2212 ${d}\u00b7(${k} \u2212 1) \u2212 1) / ${s}\u230b + 1 = ${out}`;
}

/** Cells of the padded grid ((n + before + after) squared) covered by the first window:
 * a Set of "r,c" keys in padded coordinates. */
export function firstWindowCells(k, d) {
  const { rows, cols } = windowAt(0, 0, k, 1, d);
  const cells = new Set();
  for (const r of rows) for (const c of cols) cells.add(`${r},${c}`);
  return cells;
}

/** Sum of each channel of a [C][KH][KW] list (the per-channel sums of the products). */
export function channelSums(tensor) {
  return tensor.map((plane) => plane.reduce((acc, row) => acc + row.reduce((a, v) => a + v, 0), 0));
}

/** The key of one conv-step answer in the cache. */
export const stepKey = (parts) => parts.map(String).join("|");
