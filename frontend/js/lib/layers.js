// The layer builder's data with no DOM: the layers a user adds (their defaults, their settings,
// moving them), the input scaling and the one-output head, the spec sent to the server, and what
// each row shows from the server's check (`POST /api/models/check`: the shapes are the engine's,
// never worked out here).
import { grouped } from "./format.js";

/** The layer types the builder adds (Rescale is not one: it is the input-scaling choice). */
export const LAYER_KINDS = [
  "Conv2D", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "MaxPool2D", "AvgPool2D", "Dropout", "Flatten", "Dense",
];

/** Each type's settings the builder shows, as [key, label, kind]: "count" (a whole number ≥ 1),
 * "padding" (a number or valid/same/full), "number" (any number), "bias" (a switch), "init"
 * (the engine's initializer names, from the catalogue). */
export const LAYER_PARAMS = {
  Conv2D: [["out_channels", "filters", "count"], ["kernel_size", "kernel", "count"], ["stride", "stride", "count"], ["padding", "padding", "padding"], ["bias", "bias", "bias"], ["init", "init", "init"]],
  MaxPool2D: [["kernel_size", "kernel", "count"], ["stride", "stride", "count"]],
  AvgPool2D: [["kernel_size", "kernel", "count"], ["stride", "stride", "count"]],
  Dense: [["out_features", "outputs", "count"], ["bias", "bias", "bias"], ["init", "init", "init"]],
  LeakyReLU: [["negative_slope", "slope", "number"]],
  Dropout: [["p", "drop p", "number"]],
  ReLU: [], Sigmoid: [], Tanh: [], Flatten: [], Rescale: [],
};

/** What the initializer names the engine takes are called on the page. */
const INIT_NAMES = {
  he_normal: "He normal", he_uniform: "He uniform", xavier_normal: "Xavier norm.",
  xavier_uniform: "Xavier unif.", simple: "fixed σ 0.01",
};

/** The initializer choices {value, text} of a layer type, from the catalogue's `layer_types`
 * (its `init` argument's enum; the engine's default first as it lists it). */
export function initChoices(layerTypes, type) {
  const info = (layerTypes || []).find((t) => t.name === type);
  const argument = info && info.arguments.find((a) => a.name === "init");
  const names = (argument && argument.type.enum) || [];
  return names.map((value) => ({ value, text: INIT_NAMES[value] || value, default: value === argument.default }));
}

/** The catalogue's default of each argument of a layer type ({name: default}), shown in an
 * empty field as what the engine will use. */
export function argumentDefaults(layerTypes, type) {
  const info = (layerTypes || []).find((t) => t.name === type);
  return Object.fromEntries((info ? info.arguments : []).filter((a) => !a.required).map((a) => [a.name, a.default]));
}

/** The input-scaling layer: inputs [0, 1] become [−0.5, 0.5]. */
export const CENTRED = { type: "Rescale", offset: -0.5 };

/** "centred" when the layers start with the [−0.5, 0.5] scaling, else "unit". */
export const inputScaling = (layers) => (layers[0] && layers[0].type === "Rescale" ? "centred" : "unit");

/** The layers with the input scaling `scaling` ("unit" or "centred") first. */
export function withScaling(layers, scaling) {
  const rest = inputScaling(layers) === "centred" ? layers.slice(1) : layers;
  return scaling === "centred" ? [{ ...CENTRED }, ...rest] : rest;
}

/** The outputs the last layer needs for `classes` classes: 1 for a one-sigmoid-output head
 * (only with exactly two classes), else one per class. */
export const headOutputs = (classes, sigmoidHead) => (classes === 2 && sigmoidHead ? 1 : classes);

/** The layers with the last Dense (when it is last) giving `outputs` outputs. */
export function withHead(layers, outputs) {
  const last = layers[layers.length - 1];
  if (!last || last.type !== "Dense" || last.out_features === outputs) return layers;
  return [...layers.slice(0, -1), { ...last, out_features: outputs }];
}

/** A new layer row with sensible defaults. */
export function defaultLayer(type) {
  switch (type) {
    case "Conv2D": return { type, out_channels: 8, kernel_size: 3, stride: 1, padding: 0 };
    case "MaxPool2D":
    case "AvgPool2D": return { type, kernel_size: 2, stride: 2 };
    case "Dense": return { type, out_features: 10 };
    case "LeakyReLU": return { type, negative_slope: 0.01 };
    case "Dropout": return { type, p: 0.5 };
    case "ReLU":
    case "Sigmoid":
    case "Tanh":
    case "Flatten": return { type };
    default: throw new Error(`unknown layer type ${type}`);
  }
}

/** One layer of the spec: its type and the settings it has, leaving out a bias switch that is on
 * and an initializer not chosen (the engine's defaults), so a plain layer is sent as it was. */
function layerSpec(layer) {
  const spec = { type: layer.type };
  for (const [key, , kind] of LAYER_PARAMS[layer.type] || []) {
    const value = layer[key];
    if (kind === "bias" && value !== false) continue;
    if (kind === "init" && !value) continue;
    spec[key] = key === "padding" ? value ?? 0 : key === "stride" && layer.type !== "Conv2D" ? value ?? null : value;
  }
  if (layer.type === "Rescale") Object.assign(spec, { scale: layer.scale ?? 1, offset: layer.offset ?? 0 });
  return spec;
}

/** The spec `POST /api/models/check` takes for the builder's layers: each layer's own settings;
 * the server fills in `in_channels` and `in_features` and answers the spec it checked. */
export function toSpec(layers, inputShape = [1, 28, 28]) {
  return { format: "cnnviz.sequential/1", input_shape: [...inputShape], layers: layers.map(layerSpec) };
}

/** The builder's layers for a spec the server gave (a recipe's): the settings the builder shows,
 * without the `in_channels` and `in_features` it works out again. */
export function fromSpec(spec) {
  return spec.layers.map((layer) => {
    const row = { type: layer.type };
    for (const [key] of LAYER_PARAMS[layer.type] || []) if (layer[key] !== undefined) row[key] = layer[key];
    if (layer.type === "Rescale") Object.assign(row, { scale: layer.scale ?? 1, offset: layer.offset ?? 0 });
    return row;
  });
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
