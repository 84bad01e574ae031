// The arithmetic of sliding windows: output sizes (with the formula written out), padding modes,
// the window at a position, and receptive fields traced back through a stack of layers.
// The same pure functions serve play, step, scrub and hover, so they can never disagree.

/** floor((n + p0 + p1 − d·(k − 1) − 1) / s) + 1, or 0 when the kernel does not fit. */
export function outputSize(n, k, s = 1, p0 = 0, p1 = p0, d = 1) {
  const span = d * (k - 1) + 1;
  const room = n + p0 + p1 - span;
  return room < 0 ? 0 : Math.floor(room / s) + 1;
}

/** The formula with the numbers filled in, e.g. "⌊(28 + 2·2 − 1·(5 − 1) − 1) / 1⌋ + 1 = 28". */
export function formulaText(n, k, s = 1, p = 0, d = 1) {
  const out = outputSize(n, k, s, p, p, d);
  return `\u230a(${n} + 2\u00b7${p} \u2212 ${d}\u00b7(${k} \u2212 1) \u2212 1) / ${s}\u230b + 1 = ${out}`;
}

/**
 * Padding (per side) for a named mode: "valid" 0; "same" keeps the size at stride 1
 * (d·(k−1)/2, rounded down on the first side as TensorFlow and PyTorch do); "full" d·(k−1).
 * A number is returned as it is. Returns [before, after].
 */
export function paddingFor(mode, k, d = 1) {
  const span = d * (k - 1);
  if (mode === "valid") return [0, 0];
  if (mode === "same") return [Math.floor(span / 2), span - Math.floor(span / 2)];
  if (mode === "full") return [span, span];
  const p = Number(mode);
  if (!Number.isInteger(p) || p < 0) throw new Error(`padding must be valid, same, full or a whole number ≥ 0, got ${mode}`);
  return [p, p];
}

/** Output cell number `step` (row-major) of an outH×outW map as {row, col}. */
export function cellAt(step, outW) {
  return { row: Math.floor(step / outW), col: step % outW };
}

/**
 * The input rows and columns (in padded coordinates, where the padded map starts at 0) that the
 * window of output cell (row, col) covers: `{rows: [...k], cols: [...k]}`.
 */
export function windowAt(row, col, k, s = 1, d = 1) {
  const taps = Array.from({ length: k }, (_, i) => i * d);
  return { rows: taps.map((t) => row * s + t), cols: taps.map((t) => col * s + t) };
}

/** A layer's window geometry from its spec entry (`/api/models/{id}` spec.layers[i]), or null
 * for layers that keep positions as they are (activations) — dense layers see everything. */
export function layerWindow(spec) {
  const pair = (v, fallback) => (v === null || v === undefined ? fallback : v);
  if (spec.type === "Conv2D" || spec.type === "MaxPool2D" || spec.type === "AvgPool2D") {
    const k = spec.kernel_size;
    return {
      k,
      s: pair(spec.stride, spec.type === "Conv2D" ? 1 : k),
      p: pair(spec.padding, 0),
      d: pair(spec.dilation, 1),
    };
  }
  return null;
}

/**
 * The receptive field of cell (row, col) of layer `index`'s output, in every earlier map:
 * returns a list, one entry per layer from `index` down to the input (position -1), each
 * `{layer, top, left, bottom, right}` (inclusive, clipped to the map, which is `sizes[i]`
 * = [H, W] of that layer's output; `sizes[-1]` is the input's, passed as `inputSize`).
 * Layers without a window (activations) keep the box; a Flatten or Dense stops the walk.
 */
export function receptiveField(specLayers, sizes, inputSize, index, row, col) {
  let box = { top: row, left: col, bottom: row, right: col };
  const boxes = [{ layer: index, ...box }];
  for (let i = index; i >= 0; i -= 1) {
    const spec = specLayers[i];
    if (spec.type === "Flatten" || spec.type === "Dense") break;
    const w = layerWindow(spec);
    const [h, wd] = i > 0 ? sizes[i - 1] : inputSize;
    if (w) {
      const span = w.d * (w.k - 1);
      box = {
        top: box.top * w.s - w.p,
        left: box.left * w.s - w.p,
        bottom: box.bottom * w.s - w.p + span,
        right: box.right * w.s - w.p + span,
      };
    }
    const clipped = {
      top: Math.max(0, box.top), left: Math.max(0, box.left),
      bottom: Math.min(h - 1, box.bottom), right: Math.min(wd - 1, box.right),
    };
    boxes.push({ layer: i - 1, ...clipped });
  }
  return boxes;
}
