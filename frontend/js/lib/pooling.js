// What the Pooling & backprop view does with the server's numbers, in the page: how a gradient is
// routed back through max pooling (to each window's winner, from the trace's indices) and average
// pooling (spread over the windows the API lists), which window a pointer is over, shifting a
// drawing by a few pixels, and the cosine similarity of two maps. Pure functions on planes
// `{height, width, data}` (row-major), no DOM, and no window maths: windows come from the API.

/**
 * Which window a pointer at input coordinate `v` is over, along one axis: `spans` are the API's
 * windows by axis (for each output row, the input rows its window covers, ascending). Returns the
 * last window starting at or before `v` (overlapping windows: the one that starts there; a gap
 * between windows: the one before it), 0 before the first.
 */
export function windowIndexAt(spans, v) {
  let found = 0;
  spans.forEach((span, i) => { if (span[0] <= v) found = i; });
  return found;
}

/** The lines between windows along one axis, for a grid drawn over a map `size` cells long: each
 * window's first cell and the cell after its last, inside (0, size); none when windows overlap
 * (every cell would be an edge) or leave gaps that are not windows. */
export function windowEdges(spans, size) {
  for (let i = 1; i < spans.length; i += 1) if (spans[i][0] !== spans[i - 1].at(-1) + 1) return [];
  const edges = new Set();
  for (const span of spans) for (const v of [span[0], span.at(-1) + 1]) if (v > 0 && v < size) edges.add(v);
  return [...edges].sort((a, b) => a - b);
}

/** The backward pass of max pooling: each upstream gradient goes to its window's winner
 * (`indices`: flat offsets row·W + col in the input plane), every other cell gets 0; windows that
 * overlap add up. Returns a plane of the input's size. */
export function maxPoolBackward(grad, indices, height, width) {
  const data = new Float32Array(height * width);
  for (let i = 0; i < grad.data.length; i += 1) data[indices[i]] += grad.data[i];
  return { height, width, data };
}

/** The backward pass of average pooling: each upstream gradient is spread evenly over its window
 * (`windows` as the API gives them: `rows[i]` and `cols[j]` are the input rows and columns of
 * output (i, j)'s window), g / (KH·KW) to each cell; what falls on padding is lost, as in the
 * network. Returns a plane of the input's size. */
export function avgPoolBackward(grad, windows, height, width) {
  const data = new Float32Array(height * width);
  const share = 1 / (windows.rows[0].length * windows.cols[0].length);
  for (let r = 0; r < grad.height; r += 1) {
    for (let c = 0; c < grad.width; c += 1) {
      const g = grad.data[r * grad.width + c] * share;
      for (const i of windows.rows[r]) {
        if (i < 0 || i >= height) continue;
        for (const j of windows.cols[c]) if (j >= 0 && j < width) data[i * width + j] += g;
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
