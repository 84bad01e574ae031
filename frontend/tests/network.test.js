// `node --test frontend/tests`: the network view's pure helpers (js/lib/netlayout.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  boxPercent, cellAtPoint, COLUMN_WIDTHS, fieldBoxes, headWidth, kernelGrid, lineCount, layerKind, overviewColumns, rangeText,
  SALIENCY_CAPTION,
} from "../js/lib/netlayout.js";

const axis = (size, jump, start) => ({ size, jump, start });
const field = (layer, size, jump, start) => ({ layer, rows: axis(size, jump, start), cols: axis(size, jump, start) });
// LeNet-5 as GET /api/models/lenet5-mnist answers it (the fields counted by hand: conv1's 5×5
// with padding 2 starts at −2; pool1 doubles the jump; conv2 adds (5 − 1)·2 to the size).
const LENET = [
  { name: "conv1", type: "Conv2D", output_shape: [6, 28, 28], receptive_fields: [field("input", 5, 1, -2)] },
  { name: "relu1", type: "ReLU", output_shape: [6, 28, 28], receptive_fields: [field("input", 5, 1, -2), field("conv1", 1, 1, 0)] },
  { name: "pool1", type: "MaxPool2D", output_shape: [6, 14, 14],
    receptive_fields: [field("input", 6, 2, -2), field("conv1", 2, 2, 0), field("relu1", 2, 2, 0)] },
  { name: "conv2", type: "Conv2D", output_shape: [16, 10, 10],
    receptive_fields: [field("input", 14, 2, -2), field("conv1", 10, 2, 0), field("relu1", 10, 2, 0), field("pool1", 5, 1, 0)] },
  { name: "flatten1", type: "Flatten", output_shape: [1600], receptive_fields: [] },
  { name: "fc1", type: "Dense", output_shape: [120], receptive_fields: [] },
  { name: "fc3", type: "Dense", output_shape: [10], receptive_fields: [] },
];
const INPUT = [1, 28, 28];

test("layerKind tells maps, flatten and vectors apart", () => {
  assert.equal(layerKind("Conv2D", [1, 6, 28, 28]), "maps");
  assert.equal(layerKind("ReLU", [6, 28, 28]), "maps");
  assert.equal(layerKind("ReLU", [120]), "vector");
  assert.equal(layerKind("Flatten", [400]), "flatten");
  assert.equal(layerKind("Dense", [1, 10]), "vector");
});

test("overviewColumns: the input and its saliency, maps, a note, bars, labelled scores, the output", () => {
  const columns = overviewColumns(LENET, INPUT, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  assert.deepEqual(columns.map((c) => [c.name, c.role]), [
    ["input", "input"], ["conv1", "maps"], ["relu1", "maps"], ["pool1", "maps"], ["conv2", "maps"],
    ["flatten1", "flatten"], ["fc1", "vector"], ["fc3", "logits"], ["output", "output"],
  ]);
  assert.deepEqual(columns[0], { name: "input", role: "input", kind: "maps", count: 2, h: 28, w: 28, extra: SALIENCY_CAPTION });
  assert.deepEqual(columns[3], { name: "pool1", role: "maps", kind: "maps", count: 6, h: 14, w: 14 });
  assert.deepEqual(columns[6], { name: "fc1", role: "vector", kind: "fixed", width: COLUMN_WIDTHS.vector });
  // A last layer that does not give one score per class is plain bars.
  assert.equal(overviewColumns(LENET, INPUT, ["0", "1"])[7].role, "vector");
});

test("fieldBoxes maps conv2's cell (0, 0) to the server's boxes, clipped to each map", () => {
  const boxes = fieldBoxes(LENET, INPUT, 3, 0, 0);
  assert.deepEqual(boxes.map((b) => b.name), ["conv2", "pool1", "relu1", "conv1", "input"]);
  assert.deepEqual(boxes[0], { name: "conv2", index: 3, size: [10, 10], top: 0, left: 0, bottom: 0, right: 0 });
  // pool1 rows 0..4; conv1 rows 0..9; input rows −2..11, clipped to 0..11
  assert.deepEqual(boxes[1], { name: "pool1", index: 2, size: [14, 14], top: 0, left: 0, bottom: 4, right: 4 });
  assert.deepEqual(boxes[3], { name: "conv1", index: 0, size: [28, 28], top: 0, left: 0, bottom: 9, right: 9 });
  assert.deepEqual(boxes[4], { name: "input", index: -1, size: [28, 28], top: 0, left: 0, bottom: 11, right: 11 });
  // cell (9, 4): input rows 9·2 − 2 = 16 .. 29 clipped to 27, columns 6 .. 19
  const far = fieldBoxes(LENET, INPUT, 3, 9, 4).at(-1);
  assert.deepEqual([far.top, far.bottom, far.left, far.right], [16, 27, 6, 19]);
  assert.deepEqual(fieldBoxes(LENET, INPUT, -1, 4, 7), [{ name: "input", index: -1, size: [28, 28], top: 4, left: 7, bottom: 4, right: 7 }]);
});

test("fieldBoxes leaves out a map the cell reads only through padding", () => {
  const layers = [{ name: "conv1", type: "Conv2D", output_shape: [1, 30, 30], receptive_fields: [field("input", 3, 1, -2)] }];
  // cell 0 reads rows −2..0 (one real row); cell 29 reads 27..29 (row 27); "full" padding
  // reaches two rows out: a cell reading rows −5..−3 would read nothing.
  assert.deepEqual(fieldBoxes(layers, INPUT, 0, 0, 0).at(-1), { name: "input", index: -1, size: [28, 28], top: 0, left: 0, bottom: 0, right: 0 });
  const out = [{ ...layers[0], receptive_fields: [field("input", 3, 1, -5)] }];
  assert.equal(fieldBoxes(out, INPUT, 0, 0, 0).length, 1);
});

test("rangeText says a scale's range in a few characters", () => {
  assert.equal(rangeText({ kind: "diverging", min: -10.5, max: 10.5 }), "±10.5");
  assert.equal(rangeText({ kind: "sequential", min: 0, max: 5.8213 }), "0–5.82");
  assert.equal(rangeText({ kind: "sequential", min: -1, max: 12345 }), "−1.00–12.3k");
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

test("kernelGrid lays out output channels as rows and input channels as columns", () => {
  assert.deepEqual(kernelGrid([16, 6, 5, 5]), { rows: 16, cols: 6, kh: 5, kw: 5, size: 25 });
});

test("headWidth: the name, a note on one line over maps, in two balanced lines over bars", () => {
  // a monospace stand-in: names 8 px a character, notes 6
  const width = (text, kind) => text.length * (kind === "name" ? 8 : 6);
  assert.equal(headWidth("dropout1", null, false, width), 64);
  assert.equal(headWidth("rescale1", "y = x·1 − 0.5", true, width), 13 * 6);
  // "p 0.5; off when reading": "p 0.5; off" (10) / "when reading" (12) is the best break
  assert.equal(headWidth("dropout1", "p 0.5; off when reading", false, width), 12 * 6);
  assert.equal(headWidth("a-very-long-name", "p 0.5", false, width), 16 * 8);
});

test("lineCount wraps at spaces as a browser does", () => {
  const width = (text) => text.length * 6;
  assert.equal(lineCount("p 0.5; off when reading", 68, width), 3); // "p 0.5; off" "when" "reading"
  assert.equal(lineCount("p 0.5; off when reading", 1000, width), 1);
  assert.equal(lineCount("unbreakable-long-word x", 30, width), 2);
});
