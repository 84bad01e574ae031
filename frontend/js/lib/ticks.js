// "Nice" axis ticks: round numbers (1, 2 or 5 times a power of ten) that cover a range, so a
// chart's axis reads 0, 0.5, 1.0, 1.5 rather than 0, 0.43, 0.86.

/** The nice step (1, 2, 2.5 or 5 × 10^k) closest to `span / count`. */
export function niceStep(span, count = 5) {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction < 1.5 ? 1 : fraction < 2.25 ? 2 : fraction < 3.5 ? 2.5 : fraction < 7.5 ? 5 : 10;
  return nice * power;
}

/**
 * Ticks covering [lo, hi]: `{min, max, step, ticks}` with min ≤ lo and max ≥ hi on multiples of
 * the step. An empty or single-value range is widened to one step around the value.
 */
export function niceTicks(lo, hi, count = 5) {
  let a = Number.isFinite(lo) ? lo : 0;
  let b = Number.isFinite(hi) ? hi : a + 1;
  if (a > b) [a, b] = [b, a];
  if (a === b) {
    const pad = a === 0 ? 1 : Math.abs(a) / 2;
    a -= a === 0 ? 0 : pad;
    b += pad;
  }
  const step = niceStep(b - a, count);
  const min = Math.floor(a / step + 1e-9) * step;
  const max = Math.ceil(b / step - 1e-9) * step;
  const ticks = [];
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  for (let i = 0; min + i * step <= max + step * 1e-9; i += 1) {
    ticks.push(Number((min + i * step).toFixed(digits)));
  }
  return { min: Number(min.toFixed(digits)), max: Number(max.toFixed(digits)), step, ticks };
}

/** Integer ticks for counts (steps, epochs): whole-number steps only (2.5 becomes 5). */
export function integerTicks(lo, hi, count = 5) {
  let a = Math.floor(Number.isFinite(lo) ? lo : 0);
  let b = Math.ceil(Number.isFinite(hi) ? hi : a + 1);
  if (a > b) [a, b] = [b, a];
  if (a === b) b = a + 1;
  let step = niceStep(b - a, count);
  if (step < 1) step = 1;
  else if (!Number.isInteger(step)) step = Math.ceil(step / 5) * 5;
  const min = Math.floor(a / step) * step;
  const max = Math.ceil(b / step) * step;
  const ticks = [];
  for (let t = min; t <= max; t += step) ticks.push(t);
  return { min, max, step, ticks };
}

/** Decimals that show every tick of this step exactly: 0.5 -> 1, 0.25 -> 2, 5 -> 0. */
export function stepDecimals(step) {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  for (let d = 0; d < 10; d += 1) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-6) return d;
  return 10;
}
