// The layer builder's data with no DOM: the layers a user adds (their defaults, moving them),
// the spec sent to the server, and what each row shows from the server's check
// (`POST /api/models/check`: the shapes are the engine's, never worked out here).
import { grouped } from "./format.js";

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

/** The spec `POST /api/models/check` takes for the builder's layers: each layer's own settings;
 * the server fills in `in_channels` and `in_features` and answers the spec it checked. */
export function toSpec(layers, inputShape = [1, 28, 28]) {
  return {
    format: "cnnviz.sequential/1",
    input_shape: [...inputShape],
    layers: layers.map((layer) => {
      switch (layer.type) {
        case "Conv2D": return {
          type: "Conv2D", out_channels: layer.out_channels, kernel_size: layer.kernel_size,
          stride: layer.stride, padding: layer.padding ?? 0,
        };
        case "MaxPool2D": return { type: "MaxPool2D", kernel_size: layer.kernel_size, stride: layer.stride ?? null };
        case "Dense": return { type: "Dense", out_features: layer.out_features };
        default: return { type: layer.type };
      }
    }),
  };
}

const dims = (shape) => shape.join("×");

/**
 * What the builder shows for its `count` layers, from the server's check. `answer` is null while
 * the check is on its way, `{checked}` (the 200 answer: `{spec, layers, parameters}`) or
 * `{fault}` (the 422's `{message, layer, shapes}`; `layer` counts from 1, null for the network
 * as a whole). Returns `{rows: [{shape, error}], note, fits}`: each row's shape text and the
 * message shown beside the layer at fault; `note` is the line under the list.
 */
export function layerStates(count, answer) {
  const rows = Array.from({ length: count }, () => ({ shape: "…", error: null }));
  if (!answer) return { rows, note: "Checking the layers…", fits: false };
  if (answer.checked) {
    const { layers, parameters } = answer.checked;
    layers.forEach((row, i) => { if (rows[i]) rows[i].shape = `→ ${dims(row.output_shape)}`; });
    const end = layers.length ? dims(layers[layers.length - 1].output_shape) : "nothing";
    return { rows, note: `Fits: ${count} layers, ${grouped(parameters)} parameters, ending with ${end} outputs.`, fits: true };
  }
  const { message, layer = null, shapes = [] } = answer.fault;
  rows.forEach((row, i) => { row.shape = i < shapes.length ? `→ ${dims(shapes[i])}` : "→ ?"; });
  if (layer && rows[layer - 1]) {
    rows[layer - 1].error = `Layer ${layer} does not fit: ${message}`;
    return { rows, note: null, fits: false };
  }
  return { rows, note: `The network does not fit: ${message}`, fits: false };
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
