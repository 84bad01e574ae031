// The Convolution view's arithmetic of where it is, with no DOM: the model's conv layers with
// their shapes and windows (as the API resolves them), and the position the URL asks for, made
// valid — or none, when the URL names no cell: then the server picks the most active one.
import { clampPosition, stepIndex } from "./stepper.js";

/**
 * The conv layers of a model description (GET /api/models/{id}): a list of
 * `{name, index, geometry, inShape, outShape}` from its layer rows, `index` the layer's
 * position, `geometry` its window (kernel, stride, padding per side, dilation).
 */
export function convLayers(model) {
  return model.layers.flatMap((row, index) => (row.type === "Conv2D"
    ? [{ name: row.name, index, geometry: row.geometry, inShape: row.input_shape, outShape: row.output_shape }]
    : []));
}

/**
 * The position `state` ({layer, channel, row, col}) names among `convs`, made valid: an unknown
 * layer is the first conv, a channel out of range 0, the cell clamped into the output map; no
 * cell (row or col missing) stays none (row, col and step null). Returns
 * `{conv, channel, row, col, outH, outW, step, total}`, or null without conv layers.
 */
export function stepperPosition(convs, state) {
  if (!convs.length) return null;
  const conv = convs.find((c) => c.name === state.layer) || convs[0];
  const [channels, outH, outW] = conv.outShape;
  const channel = Number.isInteger(state.channel) && state.channel >= 0 && state.channel < channels ? state.channel : 0;
  const total = outH * outW;
  if (state.row === undefined || state.row === null || state.col === undefined || state.col === null) {
    return { conv, channel, row: null, col: null, outH, outW, step: null, total };
  }
  const { row, col } = clampPosition(state.row, state.col, outH, outW);
  return { conv, channel, row, col, outH, outW, step: stepIndex(row, col, outW), total };
}
