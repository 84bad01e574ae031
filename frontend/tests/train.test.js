// `node --test frontend/tests`: the train view's pure helpers (ticks, smoothing, shapes).
import assert from "node:assert/strict";
import { test } from "node:test";

import { firstError, layerShapes, moved, starterLayers, toSpec } from "../js/lib/shapes.js";
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

test("layerShapes follows the simple preset: 8×26×26, 8×13×13, 1352, 10", () => {
  const layers = [
    { type: "Conv2D", out_channels: 8, kernel_size: 3, stride: 1, padding: 0 },
    { type: "MaxPool2D", kernel_size: 2, stride: 2 },
    { type: "Flatten" },
    { type: "Dense", out_features: 10 },
  ];
  const shapes = layerShapes(layers, [1, 28, 28], 10);
  assert.deepEqual(shapes.map((s) => s.output), [[8, 26, 26], [8, 13, 13], [1352], [10]]);
  assert.equal(firstError(shapes), -1);
});

test("layerShapes handles same padding and LeNet's 5×5 kernels", () => {
  const layers = [
    { type: "Conv2D", out_channels: 6, kernel_size: 5, stride: 1, padding: 2 }, { type: "ReLU" },
    { type: "MaxPool2D", kernel_size: 2, stride: 2 },
    { type: "Conv2D", out_channels: 16, kernel_size: 5, stride: 1, padding: "same" },
  ];
  assert.deepEqual(layerShapes(layers).map((s) => s.output), [[6, 28, 28], [6, 28, 28], [6, 14, 14], [16, 14, 14]]);
});

test("layerShapes names the first layer that does not fit, and stops there", () => {
  const layers = [
    { type: "MaxPool2D", kernel_size: 2, stride: 2 }, { type: "MaxPool2D", kernel_size: 2, stride: 2 },
    { type: "MaxPool2D", kernel_size: 2, stride: 2 }, { type: "Conv2D", out_channels: 4, kernel_size: 5, stride: 1, padding: 0 },
    { type: "Flatten" },
  ];
  const shapes = layerShapes(layers);
  assert.equal(firstError(shapes), 3);
  assert.match(shapes[3].error, /5×5 window does not fit the 3×3 input/);
  assert.equal(shapes[4].output, null);
  assert.equal(shapes[4].error, null);
});

test("layerShapes asks for Flatten before Dense and a matching last layer", () => {
  assert.match(layerShapes([{ type: "Dense", out_features: 10 }])[0].error, /add a Flatten/);
  assert.match(layerShapes([{ type: "Flatten" }, { type: "Conv2D", out_channels: 2, kernel_size: 3, stride: 1, padding: 0 }])[1].error, /before Flatten/);
  const shapes = layerShapes([{ type: "Flatten" }, { type: "Dense", out_features: 10 }], [1, 28, 28], 2);
  assert.match(shapes[1].error, /2 classes need 2 outputs/);
  assert.match(layerShapes([{ type: "MaxPool2D", kernel_size: 2, stride: 2, padding: 2 }])[0].error, /at most half/);
});

test("toSpec fills in in_channels and in_features", () => {
  const spec = toSpec(starterLayers(2));
  assert.equal(spec.format, "cnnviz.sequential/1");
  assert.deepEqual(spec.input_shape, [1, 28, 28]);
  assert.equal(spec.layers[0].in_channels, 1);
  assert.deepEqual(spec.layers.map((l) => l.type), ["Conv2D", "ReLU", "MaxPool2D", "Flatten", "Dense"]);
  assert.equal(spec.layers[4].in_features, 8 * 13 * 13);
  assert.equal(spec.layers[4].out_features, 2);
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

test("formProblems names each slip and accepts the classroom defaults", async () => {
  const { formProblems } = await import("../js/lib/trainform.js");
  const ok = { train_size: 500, epochs: 1, batch_size: 32, lr: 0.001, seed: 0, classes: [0, 1] };
  assert.deepEqual(formProblems(ok), []);
  assert.deepEqual(formProblems({ ...ok, train_size: null, classes: null }), []);
  assert.match(formProblems({ ...ok, lr: -1 })[0], /learning rate/);
  assert.match(formProblems({ ...ok, batch_size: 513 })[0], /Batch size/);
  assert.match(formProblems({ ...ok, epochs: 1.5 })[0], /Epochs/);
  assert.match(formProblems({ ...ok, classes: [3] })[0], /at least 2 classes/);
  assert.equal(formProblems({ ...ok, seed: -1, epochs: 0 }).length, 2);
});
