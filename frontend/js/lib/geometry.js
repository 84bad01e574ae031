// Receptive fields traced back through a stack of layers, for the Network view (lib/netlayout.js)
// until the server gives them. The step views' windows and sizes come from the API.

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
