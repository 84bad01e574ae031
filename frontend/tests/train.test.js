// `node --test frontend/tests`: the train view's pure helpers (ticks, smoothing, the layer builder).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  LAYER_KINDS, argumentDefaults, defaultLayer, fromSpec, headOutputs, initChoices, inputScaling, layerStates, moved, starterLayers, toSpec,
  withHead, withScaling,
} from "../js/lib/layers.js";
import { ema, smoother, weightFor } from "../js/lib/smooth.js";
import { integerTicks, niceStep, niceTicks, stepDecimals } from "../js/lib/ticks.js";

test("niceStep picks 1, 2, 2.5 or 5 times a power of ten", () => {
  assert.equal(niceStep(10, 5), 2);
  assert.equal(niceStep(1, 5), 0.2);
  assert.equal(niceStep(2.3, 5), 0.5);
  assert.equal(niceStep(100, 4), 25);
  assert.equal(niceStep(0, 5), 1);
});

test("niceTicks covers the range on round numbers", () => {
  assert.deepEqual(niceTicks(0, 2.3), { min: 0, max: 2.5, step: 0.5, ticks: [0, 0.5, 1, 1.5, 2, 2.5] });
  const t = niceTicks(0.051, 0.74, 5);
  assert.ok(t.min <= 0.051 && t.max >= 0.74);
  assert.equal(t.ticks[0], t.min);
  assert.equal(t.ticks.at(-1), t.max);
  assert.deepEqual(niceTicks(0, 1, 5).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
});

test("niceTicks widens an empty range and orders reversed bounds", () => {
  assert.deepEqual(niceTicks(0, 0).ticks.slice(0, 2), [0, 0.2]);
  const t = niceTicks(3, 3);
  assert.ok(t.min < 3 && t.max > 3);
  assert.deepEqual(niceTicks(5, 0).ticks, niceTicks(0, 5).ticks);
});

test("integerTicks never has fractional steps", () => {
  const t = integerTicks(0, 2, 5);
  assert.ok(t.ticks.every(Number.isInteger), String(t.ticks));
  assert.deepEqual(integerTicks(0, 16, 5).ticks, [0, 5, 10, 15, 20]);
});

test("ema de-biases the start and skips nulls", () => {
  assert.deepEqual(ema([2, 2, 2], 0.9).map((v) => Number(v.toFixed(10))), [2, 2, 2]);
  const s = smoother(0.5);
  assert.equal(s.push(4), 4);
  assert.equal(s.push(null), null);
  // last = 0.5·2 + 0.5·0 = 1 then 0.5·1 + 0.5·0 = 0.5; debias 1 − 0.25 = 0.75 -> 2/3... check:
  // after 4: last = 2; after 0: last = 1; debiased 1 / 0.75
  assert.equal(s.push(0), 1 / 0.75);
  assert.equal(s.count, 2);
  assert.deepEqual(ema([1, 3], 0), [1, 3]);
  assert.throws(() => smoother(1));
  assert.ok(weightFor(16) >= 0.5 && weightFor(10000) <= 0.95);
});

test("toSpec sends each layer's own settings; the server fills in in_channels and in_features", () => {
  const spec = toSpec(starterLayers(2));
  assert.equal(spec.format, "cnnviz.sequential/1");
  assert.deepEqual(spec.input_shape, [1, 28, 28]);
  assert.deepEqual(spec.layers.map((l) => l.type), ["Conv2D", "ReLU", "MaxPool2D", "Flatten", "Dense"]);
  assert.deepEqual(spec.layers[0], { type: "Conv2D", out_channels: 8, kernel_size: 3, stride: 1, padding: 0 });
  assert.deepEqual(spec.layers[4], { type: "Dense", out_features: 2 });
  assert.equal(toSpec([{ type: "MaxPool2D", kernel_size: 3 }]).layers[0].stride, null);
});

const CHECKED = {
  spec: {}, parameters: 2722,
  layers: [{ output_shape: [8, 26, 26] }, { output_shape: [8, 13, 13] }, { output_shape: [1352] }, { output_shape: [2] }],
};

test("layerStates shows the server's shapes and what the network adds up to", () => {
  const states = layerStates(4, { checked: CHECKED });
  assert.deepEqual(states.rows.map((r) => r.shape), ["→ 8×26×26", "→ 8×13×13", "→ 1352", "→ 2"]);
  assert.ok(states.rows.every((r) => r.error === null));
  assert.equal(states.fits, true);
  assert.equal(states.note, "Fits: 4 layers, 2,722 parameters, ending with 2 outputs.");
});

test("layerStates says it is checking until the server answers", () => {
  const states = layerStates(2, null);
  assert.deepEqual(states.rows.map((r) => r.shape), ["…", "…"]);
  assert.equal(states.fits, false);
  assert.match(states.note, /Checking/);
});

test("layerStates puts the server's message beside the layer at fault, shapes before it", () => {
  const fault = { message: "MaxPool2D input 1×1 is smaller than its 4×4 window", layer: 3, shapes: [[1, 7, 7], [1, 1, 1]] };
  const states = layerStates(5, { fault });
  assert.deepEqual(states.rows.map((r) => r.shape), ["→ 1×7×7", "→ 1×1×1", "→ ?", "→ ?", "→ ?"]);
  assert.equal(states.rows[2].error, "Layer 3 does not fit: MaxPool2D input 1×1 is smaller than its 4×4 window");
  assert.deepEqual(states.rows.filter((r) => r.error).length, 1);
  assert.equal(states.note, null);
  const whole = layerStates(2, { fault: { message: "the server cannot be reached", layer: null } });
  assert.ok(whole.rows.every((r) => r.error === null && r.shape === "→ ?"));
  assert.equal(whole.note, "The network does not fit: the server cannot be reached");
});

test("moved reorders a copy and ignores moves past the ends", () => {
  assert.deepEqual(moved([1, 2, 3], 0, 1), [2, 1, 3]);
  assert.deepEqual(moved([1, 2, 3], 2, 3), [1, 2, 3]);
  const list = [1, 2];
  moved(list, 0, 1);
  assert.deepEqual(list, [1, 2]);
});

test("stepDecimals shows each tick exactly", () => {
  assert.equal(stepDecimals(5), 0);
  assert.equal(stepDecimals(0.5), 1);
  assert.equal(stepDecimals(0.25), 2);
  assert.equal(stepDecimals(0.02), 2);
  assert.equal(stepDecimals(0.1 + 0.2 - 0.2), 1);
});

test("toSpec sends the new layers' settings as the engine names them, the defaults left out", () => {
  const layers = [
    { type: "Rescale", scale: 1, offset: -0.5 },
    { type: "Conv2D", out_channels: 4, kernel_size: 3, stride: 1, padding: 0, bias: false, init: "xavier_uniform" },
    { type: "LeakyReLU", negative_slope: 0.1 }, { type: "AvgPool2D", kernel_size: 2, stride: 2 },
    { type: "Sigmoid" }, { type: "Tanh" }, { type: "Flatten" }, { type: "Dropout", p: 0.25 },
    { type: "Dense", out_features: 1, bias: true, init: undefined },
  ];
  assert.deepEqual(toSpec(layers).layers, [
    { type: "Rescale", scale: 1, offset: -0.5 },
    { type: "Conv2D", out_channels: 4, kernel_size: 3, stride: 1, padding: 0, bias: false, init: "xavier_uniform" },
    { type: "LeakyReLU", negative_slope: 0.1 }, { type: "AvgPool2D", kernel_size: 2, stride: 2 },
    { type: "Sigmoid" }, { type: "Tanh" }, { type: "Flatten" }, { type: "Dropout", p: 0.25 },
    { type: "Dense", out_features: 1 },
  ]);
  for (const kind of LAYER_KINDS) assert.equal(defaultLayer(kind).type, kind);
  assert.deepEqual(fromSpec(toSpec(layers)), toSpec(layers).layers);
});

test("the input scaling is a Rescale layer first, added and taken away once", () => {
  const plain = starterLayers(2);
  assert.equal(inputScaling(plain), "unit");
  const centred = withScaling(plain, "centred");
  assert.deepEqual(centred[0], { type: "Rescale", offset: -0.5 });
  assert.equal(centred.length, plain.length + 1);
  assert.equal(inputScaling(centred), "centred");
  assert.deepEqual(withScaling(centred, "centred"), centred);
  assert.deepEqual(withScaling(centred, "unit"), plain);
});

test("the head: one output for two classes with the sigmoid head, else one per class", () => {
  assert.equal(headOutputs(2, true), 1);
  assert.equal(headOutputs(2, false), 2);
  assert.equal(headOutputs(3, true), 3);
  const layers = starterLayers(2);
  assert.equal(withHead(layers, 1).at(-1).out_features, 1);
  assert.equal(withHead(layers, 2), layers); // unchanged: the same list
  const endsInReLU = [...layers, { type: "ReLU" }];
  assert.equal(withHead(endsInReLU, 1), endsInReLU);
});

test("initChoices: the catalogue's initializer names, the engine's default marked", () => {
  const types = [{ name: "Dense", arguments: [{ name: "init", type: { enum: ["he_normal", "simple"], type: "string" }, default: "he_normal" }] }];
  assert.deepEqual(initChoices(types, "Dense"), [
    { value: "he_normal", text: "He normal", default: true }, { value: "simple", text: "fixed σ 0.01", default: false },
  ]);
  assert.deepEqual(initChoices(types, "ReLU"), []);
  assert.deepEqual(initChoices(undefined, "Dense"), []);
  const conv = [{ name: "Conv2D", arguments: [
    { name: "out_channels", required: true, default: null }, { name: "stride", required: false, default: 1 },
    { name: "bias", required: false, default: true },
  ] }];
  assert.deepEqual(argumentDefaults(conv, "Conv2D"), { stride: 1, bias: true });
  assert.deepEqual(argumentDefaults(conv, "Dense"), {});
});
