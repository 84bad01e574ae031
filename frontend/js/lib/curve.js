// The activation plot's geometry, no DOM: where a sample lands in the drawing, which sample a
// pointer is over, and memory sizes in words. The samples themselves come from the server
// (GET /api/activations/{name}); nothing here computes an activation.

/** A linear map from `domain` [d0, d1] to `range` [r0, r1] (r1 < r0 flips, as an SVG y does). */
export function linear([d0, d1], [r0, r1]) {
  const scale = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (value) => r0 + (value - d0) * scale;
}

/** SVG polyline points "x,y x,y …" of the samples (`xs`, `ys`) through the maps `sx` and `sy`. */
export function polylinePoints(xs, ys, sx, sy) {
  return xs.map((x, i) => `${sx(x).toFixed(2)},${sy(ys[i]).toFixed(2)}`).join(" ");
}

/** The index of the sample of sorted `xs` nearest to `x` (the earlier one on a tie). */
export function nearestIndex(xs, x) {
  if (!xs.length) return -1;
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(xs[lo - 1] - x) <= Math.abs(xs[lo] - x)) lo -= 1;
  return lo;
}

/** The lowest and highest value over several arrays: the shared y range of f and f'. */
export function extent(...arrays) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const values of arrays) {
    for (const v of values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return [lo, hi];
}

/** A number of bytes as people read it: "60,008 B" under 10 kB, else "58.6 KiB", "1.2 MiB". */
export function byteSize(bytes) {
  if (bytes < 10 * 1024) return `${Math.round(bytes).toLocaleString("en-US")} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
