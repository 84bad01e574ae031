// Layer-by-layer output shapes of an architecture as the user builds it, the first layer that
// does not fit (with what to change), and the spec the API takes (`/api/train` spec).
import { outputSize, paddingFor } from "./geometry.js";

export const LAYER_KINDS = ["Conv2D", "ReLU", "MaxPool2D", "Flatten", "Dense"];

/** A new layer row with sensible defaults. */
export function defaultLayer(type) {
  switch (type) {
    case "Conv2D": return { type, out_channels: 8, kernel_size: 3, stride: 1, padding: 0 };
    case "MaxPool2D": return { type, kernel_size: 2, stride: 2 };
    case "Dense": return { type, out_features: 10 };
    case "ReLU":
    case "Flatten": return { type };
    default: throw new Error(`unknown layer type ${type}`);
  }
}

const isCount = (v) => Number.isInteger(v) && v >= 1;
const dims = (shape) => shape.join("×");

/**
 * Walk `layers` from `inputShape` ([C, H, W]). Returns one entry per layer:
 * `{input, output, error}`; after the first error, later layers get `output: null` and
 * `error: null` (they are not checked). `classes` (optional) checks the last output size.
 */
export function layerShapes(layers, inputShape = [1, 28, 28], classes = null) {
  const out = [];
  let shape = inputShape;
  let failed = false;
  layers.forEach((layer, index) => {
    if (failed) { out.push({ input: null, output: null, error: null }); return; }
    const result = step(layer, shape);
    out.push({ input: shape, output: result.output ?? null, error: result.error ?? null });
    if (result.error) failed = true;
    else shape = result.output;
    if (!failed && classes && index === layers.length - 1) {
      if (shape.length !== 1 || shape[0] !== classes) {
        out[index].error = `the network ends with ${dims(shape)}, but ${classes} classes need ${classes} outputs: end with Flatten then Dense with ${classes} outputs`;
      }
    }
  });
  return out;
}

/** The index of the first layer with an error, or -1. */
export const firstError = (shapes) => shapes.findIndex((s) => s.error);

function step(layer, shape) {
  const spatial = shape.length === 3;
  switch (layer.type) {
    case "Conv2D":
    case "MaxPool2D": {
      const name = layer.type;
      if (!spatial) return { error: `${name} needs a channels×height×width input but gets a flat vector of ${shape[0]}: move it before Flatten` };
      const k = layer.kernel_size;
      const s = layer.type === "MaxPool2D" && (layer.stride === null || layer.stride === undefined || layer.stride === "") ? k : layer.stride;
      if (!isCount(k)) return { error: `${name}: the kernel size must be a whole number ≥ 1` };
      if (!isCount(s)) return { error: `${name}: the stride must be a whole number ≥ 1` };
      if (layer.type === "Conv2D" && !isCount(layer.out_channels)) return { error: "Conv2D: the number of filters must be a whole number ≥ 1" };
      let pads;
      try { pads = paddingFor(layer.padding ?? 0, k, 1); } catch (e) { return { error: `${name}: ${e.message}` }; }
      if (layer.type === "MaxPool2D" && 2 * Math.max(...pads) > k) return { error: `MaxPool2D: padding must be at most half the kernel size (${Math.floor(k / 2)})` };
      const [c, h, w] = shape;
      const oh = outputSize(h, k, s, pads[0], pads[1]);
      const ow = outputSize(w, k, s, pads[0], pads[1]);
      if (oh < 1 || ow < 1) {
        return { error: `the ${k}×${k} window does not fit the ${h}×${w} input (padding ${pads[0]}): use a smaller kernel, add padding, or remove a pooling layer before it` };
      }
      return { output: [layer.type === "Conv2D" ? layer.out_channels : c, oh, ow] };
    }
    case "ReLU": return { output: shape };
    case "Flatten": return { output: [shape.reduce((a, b) => a * b, 1)] };
    case "Dense":
      if (spatial) return { error: `Dense needs a flat input but gets ${dims(shape)}: add a Flatten before it` };
      if (!isCount(layer.out_features)) return { error: "Dense: the number of outputs must be a whole number ≥ 1" };
      return { output: [layer.out_features] };
    default: return { error: `unknown layer type ${layer.type}` };
  }
}

/** The spec `POST /api/train` takes, with in_channels/in_features filled in from the shapes. */
export function toSpec(layers, inputShape = [1, 28, 28]) {
  const shapes = layerShapes(layers, inputShape);
  return {
    format: "cnnviz.sequential/1",
    input_shape: [...inputShape],
    layers: layers.map((layer, i) => {
      const input = shapes[i].input || [0];
      switch (layer.type) {
        case "Conv2D": return {
          type: "Conv2D", in_channels: input[0], out_channels: layer.out_channels,
          kernel_size: layer.kernel_size, stride: layer.stride, padding: layer.padding ?? 0,
        };
        case "MaxPool2D": return { type: "MaxPool2D", kernel_size: layer.kernel_size, stride: layer.stride ?? null };
        case "Dense": return { type: "Dense", in_features: input[0], out_features: layer.out_features };
        default: return { type: layer.type };
      }
    }),
  };
}

/** Move item `from` to `to` in a copy of `list`. */
export function moved(list, from, to) {
  const copy = [...list];
  if (to < 0 || to >= copy.length) return copy;
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item);
  return copy;
}

/** A preset-like starting point for the custom builder: conv, relu, pool, flatten, dense. */
export function starterLayers(classes = 10) {
  return [
    defaultLayer("Conv2D"), defaultLayer("ReLU"), defaultLayer("MaxPool2D"),
    defaultLayer("Flatten"), { type: "Dense", out_features: classes },
  ];
}
