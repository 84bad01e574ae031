import assert from "node:assert/strict";
import { test } from "node:test";
import { convLayers, stepperPosition } from "../js/lib/convlayers.js";

// LeNet-5's layer rows as GET /api/models/{id} gives them (the parts convLayers reads).
const CONV1 = { kernel: [5, 5], stride: [1, 1], padding: [2, 2, 2, 2], dilation: [1, 1] };
const CONV2 = { kernel: [5, 5], stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1] };
const MODEL = {
  layers: [
    { name: "conv1", type: "Conv2D", input_shape: [1, 28, 28], output_shape: [6, 28, 28], geometry: CONV1 },
    { name: "relu1", type: "ReLU", input_shape: [6, 28, 28], output_shape: [6, 28, 28], geometry: null },
    { name: "pool1", type: "MaxPool2D", input_shape: [6, 28, 28], output_shape: [6, 14, 14], geometry: CONV2 },
    { name: "conv2", type: "Conv2D", input_shape: [6, 14, 14], output_shape: [16, 10, 10], geometry: CONV2 },
    { name: "flatten", type: "Flatten", input_shape: [16, 10, 10], output_shape: [1600], geometry: null },
  ],
};

test("the conv layers with their shapes and windows", () => {
  const convs = convLayers(MODEL);
  assert.deepEqual(convs.map((c) => [c.name, c.index]), [["conv1", 0], ["conv2", 3]]);
  assert.deepEqual(convs[0].inShape, [1, 28, 28]);
  assert.deepEqual(convs[0].outShape, [6, 28, 28]);
  assert.deepEqual(convs[1].inShape, [6, 14, 14]);
  assert.equal(convs[0].geometry, CONV1);
});

test("a model without convs has no position", () => {
  assert.deepEqual(convLayers({ layers: [] }), []);
  assert.equal(stepperPosition([], { layer: "conv1" }), null);
});

test("the position the URL names, made valid", () => {
  const convs = convLayers(MODEL);
  const pos = stepperPosition(convs, { layer: "conv2", channel: 12, row: 4, col: 7 });
  assert.equal(pos.conv.name, "conv2");
  assert.deepEqual([pos.channel, pos.row, pos.col], [12, 4, 7]);
  assert.deepEqual([pos.outH, pos.outW, pos.step, pos.total], [10, 10, 47, 100]);
  // An unknown layer is the first conv; a channel out of range 0; the cell clamped.
  const fixed = stepperPosition(convs, { layer: "nope", channel: 6, row: 40, col: -3 });
  assert.deepEqual([fixed.conv.name, fixed.channel, fixed.row, fixed.col, fixed.step], ["conv1", 0, 27, 0, 27 * 28]);
  assert.equal(stepperPosition(convs, { layer: "conv1", channel: 2.5 }).channel, 0);
});

test("no cell in the URL stays none: the server picks the most active", () => {
  const convs = convLayers(MODEL);
  const pos = stepperPosition(convs, { layer: "conv2", channel: 3 });
  assert.deepEqual([pos.row, pos.col, pos.step, pos.total], [null, null, null, 100]);
  assert.equal(stepperPosition(convs, { layer: "conv2", row: 3, col: null }).row, null);
});
