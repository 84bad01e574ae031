import assert from "node:assert/strict";
import { test } from "node:test";
import { convLayers, stepperPosition } from "../js/lib/convlayers.js";

// LeNet-5's description as GET /api/models/{id} gives it (the parts convLayers reads).
const MODEL = {
  input_shape: [1, 28, 28],
  spec: { layers: [
    { name: "conv1", type: "Conv2D", kernel_size: 5, padding: 2 },
    { name: "relu1", type: "ReLU" },
    { name: "pool1", type: "MaxPool2D" },
    { name: "conv2", type: "Conv2D", kernel_size: 5 },
    { name: "flatten", type: "Flatten" },
  ] },
  layers: [
    { output_shape: [6, 28, 28] }, { output_shape: [6, 28, 28] }, { output_shape: [6, 14, 14] },
    { output_shape: [16, 10, 10] }, { output_shape: [1600] },
  ],
};

test("the conv layers with their input and output shapes", () => {
  const convs = convLayers(MODEL);
  assert.deepEqual(convs.map((c) => [c.name, c.index]), [["conv1", 0], ["conv2", 3]]);
  assert.deepEqual(convs[0].inShape, [1, 28, 28]);
  assert.deepEqual(convs[0].outShape, [6, 28, 28]);
  assert.deepEqual(convs[1].inShape, [6, 14, 14]);
  assert.equal(convs[1].spec.kernel_size, 5);
});

test("a model without convs has no position", () => {
  assert.deepEqual(convLayers({ ...MODEL, spec: { layers: [] }, layers: [] }), []);
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
