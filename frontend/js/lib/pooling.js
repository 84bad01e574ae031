// Pooling maths the Pooling & backprop view computes in the page (the model itself only does max
// pooling): average pooling for comparison, how a gradient is routed back through max and average
// pooling, shifting a drawing by a few pixels, and the cosine similarity of two maps. Pure
// functions on planes `{height, width, data}` (row-major), no DOM.

/** Output size of a pooling window of `k` with stride `s` over `n` cells (no padding). */
export const pooledSize = (n, k, s = k) => (n >= k ? Math.floor((n - k) / s) + 1 : 0);

/** Average pooling of `plane` with a k×k window and stride `s` (no padding): each output is the
 * mean of its window. Returns a plane (Float32Array data). */
export function avgPool2d(plane, k, s = k) {
  const height = pooledSize(plane.height, k, s);
  const width = pooledSize(plane.width, k, s);
  const data = new Float32Array(height * width);
  for (let r = 0; r < height; r += 1) {
    for (let c = 0; c < width; c += 1) {
      let sum = 0;
      for (let i = 0; i < k; i += 1) {
        for (let j = 0; j < k; j += 1) sum += plane.data[(r * s + i) * plane.width + c * s + j];
      }
      data[r * width + c] = sum / (k * k);
    }
  }
  return { height, width, data };
}

/** The backward pass of max pooling: each upstream gradient goes to its window's winner
 * (`indices`: flat offsets row·W + col in the input plane), every other cell gets 0; windows that
 * overlap add up. Returns a plane of the input's size. */
export function maxPoolBackward(grad, indices, height, width) {
  const data = new Float32Array(height * width);
  for (let i = 0; i < grad.data.length; i += 1) data[indices[i]] += grad.data[i];
  return { height, width, data };
}

/** The backward pass of average pooling: each upstream gradient is spread evenly, g / k², over
 * its window. Returns a plane of the input's size. */
export function avgPoolBackward(grad, k, s, height, width) {
  const data = new Float32Array(height * width);
  const share = 1 / (k * k);
  for (let r = 0; r < grad.height; r += 1) {
    for (let c = 0; c < grad.width; c += 1) {
      const g = grad.data[r * grad.width + c] * share;
      for (let i = 0; i < k; i += 1) {
        for (let j = 0; j < k; j += 1) data[(r * s + i) * width + c * s + j] += g;
      }
    }
  }
  return { height, width, data };
}

/** `rows` (a list of equal-length lists) moved down by `dy` and right by `dx` (negative: up or
 * left); cells moved in from outside are 0, cells moved past the edge are dropped. */
export function shift2d(rows, dy, dx) {
  const height = rows.length;
  const width = height ? rows[0].length : 0;
  return Array.from({ length: height }, (_, r) =>
    Array.from({ length: width }, (_, c) => {
      const sr = r - dy;
      const sc = c - dx;
      return sr >= 0 && sr < height && sc >= 0 && sc < width ? rows[sr][sc] : 0;
    }),
  );
}

/** Cosine similarity a·b / (|a| |b|) of two equally long lists of numbers: 1 when they point the
 * same way. Two all-zero maps count as identical (1); one all-zero map as unrelated (0). */
export function cosineSimilarity(a, b) {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i += 1) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  if (na === 0 && nb === 0) return 1;
  if (na === 0 || nb === 0) return 0;
  return dot / Math.sqrt(na * nb);
}

/** The largest absolute value in any of the given lists (1 when all are 0), for a shared
 * symmetric colour scale. */
export function maxAbs(...lists) {
  let bound = 0;
  for (const list of lists) for (const v of list) if (Number.isFinite(v)) bound = Math.max(bound, Math.abs(v));
  return bound || 1;
}

/** The largest |a[i] − b[i]|: how far a recomputed map is from the network's own. */
export function maxDifference(a, b) {
  let worst = 0;
  for (let i = 0; i < a.length; i += 1) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
