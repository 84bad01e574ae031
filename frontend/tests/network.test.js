// `node --test frontend/tests`: the network view's pure helpers (js/lib/netlayout.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  boxPercent, cellAtPoint, kernelGrid, layerKind, mapPixels, mapSizes, namedField,
} from "../js/lib/netlayout.js";

const LENET = [
  { type: "Conv2D", name: "conv1", kernel_size: 5, stride: 1, padding: 2, dilation: 1 },
  { type: "ReLU", name: "relu1" },
  { type: "MaxPool2D", name: "pool1", kernel_size: 2, stride: null, padding: 0 },
  { type: "Conv2D", name: "conv2", kernel_size: 5, stride: 1, padding: 0, dilation: 1 },
  { type: "ReLU", name: "relu2" },
  { type: "MaxPool2D", name: "pool2", kernel_size: 2, stride: null, padding: 0 },
  { type: "Flatten", name: "flatten1" },
  { type: "Dense", name: "fc1" },
];
const LAYERS = [
  [6, 28, 28], [6, 28, 28], [6, 14, 14], [16, 10, 10], [16, 10, 10], [16, 5, 5], [400], [120],
].map((output_shape) => ({ output_shape }));

test("layerKind tells maps, flatten and vectors apart", () => {
  assert.equal(layerKind("Conv2D", [1, 6, 28, 28]), "maps");
  assert.equal(layerKind("ReLU", [6, 28, 28]), "maps");
  assert.equal(layerKind("ReLU", [120]), "vector");
  assert.equal(layerKind("Flatten", [400]), "flatten");
  assert.equal(layerKind("Dense", [1, 10]), "vector");
});

test("mapSizes gives [H, W] for maps and [1, n] for vectors", () => {
  const sizes = mapSizes(LAYERS);
  assert.deepEqual(sizes[0], [28, 28]);
  assert.deepEqual(sizes[5], [5, 5]);
  assert.deepEqual(sizes[7], [1, 120]);
});

test("mapPixels is a whole number of pixels per cell", () => {
  assert.equal(mapPixels(28), 84);
  assert.equal(mapPixels(14), 98);
  assert.equal(mapPixels(10, 64), 60);
  assert.equal(mapPixels(200), 200);
});

test("cellAtPoint maps a pointer to a cell and clamps at the edges", () => {
  assert.deepEqual(cellAtPoint(0, 0, 100, 100, 10, 10), { row: 0, col: 0 });
  assert.deepEqual(cellAtPoint(55, 19.9, 100, 100, 10, 10), { row: 1, col: 5 });
  assert.deepEqual(cellAtPoint(100, 100, 100, 100, 10, 10), { row: 9, col: 9 });
  assert.deepEqual(cellAtPoint(-3, 5, 100, 100, 10, 10), { row: 0, col: 0 });
});

test("boxPercent places an inclusive box on a map", () => {
  assert.deepEqual(boxPercent({ top: 0, left: 0, bottom: 27, right: 27 }, 28, 28), { left: 0, top: 0, width: 100, height: 100 });
  assert.deepEqual(boxPercent({ top: 2, left: 5, bottom: 3, right: 5 }, 10, 10), { left: 50, top: 20, width: 10, height: 20 });
});

test("namedField walks LeNet-5 back from conv2 to the input pixels", () => {
  const boxes = namedField(LENET, mapSizes(LAYERS), [28, 28], 3, 0, 0);
  assert.deepEqual(boxes.map((b) => b.name), ["conv2", "pool1", "relu1", "conv1", "input"]);
  // conv2 (0,0) sees pool1 rows 0..4, i.e. relu1/conv1 rows 0..9, i.e. input rows −2..11 clipped.
  assert.deepEqual(boxes[1], { layer: 2, index: 2, name: "pool1", top: 0, left: 0, bottom: 4, right: 4 });
  assert.deepEqual(boxes[3], { layer: 0, index: 0, name: "conv1", top: 0, left: 0, bottom: 9, right: 9 });
  assert.deepEqual(boxes[4], { layer: -1, index: -1, name: "input", top: 0, left: 0, bottom: 11, right: 11 });
  const input = namedField(LENET, mapSizes(LAYERS), [28, 28], -1, 4, 7);
  assert.deepEqual(input, [{ name: "input", index: -1, top: 4, left: 7, bottom: 4, right: 7 }]);
});

test("kernelGrid lays out output channels as rows and input channels as columns", () => {
  assert.deepEqual(kernelGrid([16, 6, 5, 5]), { rows: 16, cols: 6, kh: 5, kw: 5, size: 25 });
});
