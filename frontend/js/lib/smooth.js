// Exponential moving average, as TensorBoard smooths a noisy loss: each value pulls the average
// by (1 − weight), and the start is de-biased so the first points are not dragged towards 0.

/** A smoother: `push(v)` returns the smoothed value after v (null values are skipped: null). */
export function smoother(weight = 0.8) {
  if (!(weight >= 0 && weight < 1)) throw new Error(`weight must be in [0, 1), got ${weight}`);
  let last = 0;
  let n = 0;
  return {
    push(value) {
      if (value === null || value === undefined || !Number.isFinite(value)) return null;
      last = last * weight + (1 - weight) * value;
      n += 1;
      return weight === 0 ? value : last / (1 - weight ** n);
    },
    get count() { return n; },
  };
}

/** The whole series smoothed (nulls stay null). */
export function ema(values, weight = 0.8) {
  const s = smoother(weight);
  return values.map((v) => s.push(v));
}

/** A weight that suits a run of `total` steps: little smoothing for short runs. */
export function weightFor(total) {
  if (!(total > 0)) return 0.6;
  return Math.min(0.95, Math.max(0.5, 1 - 4 / total));
}
