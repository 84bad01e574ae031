// The Convolution view's arithmetic of where it is, with no DOM: the model's conv layers with
// their input and output shapes, and the position the URL asks for, made valid.
import { clampPosition, stepIndex } from "./stepper.js";

/**
 * The conv layers of a model description (GET /api/models/{id}): a list of
 * `{name, index, spec, outShape, inShape}`, `index` the layer's position in the spec.
 */
export function convLayers(model) {
  const convs = [];
  model.spec.layers.forEach((spec, index) => {
    if (spec.type !== "Conv2D") return;
    const outShape = model.layers[index].output_shape;
    const inShape = index === 0 ? model.input_shape : model.layers[index - 1].output_shape;
    convs.push({ name: spec.name, index, spec, outShape, inShape });
  });
  return convs;
}

/**
 * The position `state` ({layer, channel, row, col}) names among `convs`, made valid: an unknown
 * layer is the first conv, a channel out of range 0, the cell clamped into the output map.
 * Returns `{conv, channel, row, col, outH, outW, step, total}`, or null without conv layers.
 */
export function stepperPosition(convs, state) {
  if (!convs.length) return null;
  const conv = convs.find((c) => c.name === state.layer) || convs[0];
  const [channels, outH, outW] = conv.outShape;
  const channel = Number.isInteger(state.channel) && state.channel >= 0 && state.channel < channels ? state.channel : 0;
  const { row, col } = clampPosition(state.row, state.col, outH, outW);
  return { conv, channel, row, col, outH, outW, step: stepIndex(row, col, outW), total: outH * outW };
}
