import assert from "node:assert/strict";
import { test } from "node:test";
import {
  channelSums, clampPosition, firstWindowCells, formulaUneven, moveStep, stepIndex, stepKey,
} from "../js/lib/stepper.js";

test("step index is row-major", () => {
  assert.equal(stepIndex(0, 0, 10), 0);
  assert.equal(stepIndex(2, 3, 10), 23);
});

test("positions are clamped into the map", () => {
  assert.deepEqual(clampPosition(12, -1, 10, 10), { row: 9, col: 0 });
  assert.deepEqual(clampPosition(undefined, "x", 5, 5), { row: 0, col: 0 });
});

test("moving a step stays in range", () => {
  assert.equal(moveStep(0, -1, 100), 0);
  assert.equal(moveStep(99, 1, 100), 99);
  assert.equal(moveStep(5, 1, 100), 6);
});

test("the formula with even and uneven padding", () => {
  assert.equal(formulaUneven(28, 3, 1, 1, 1, 1), "⌊(28 + 2·1 − 1·(3 − 1) − 1) / 1⌋ + 1 = 28");
  assert.equal(formulaUneven(28, 2, 1, 0, 1, 1), "⌊(28 + 0 + 1 − 1·(2 − 1) − 1) / 1⌋ + 1 = 28");
  assert.equal(formulaUneven(5, 3, 2, 0, 0, 1), "⌊(5 + 2·0 − 1·(3 − 1) − 1) / 2⌋ + 1 = 2");
});

test("the first window's cells follow the dilation", () => {
  const cells = firstWindowCells(3, 2);
  assert.equal(cells.size, 9);
  assert.ok(cells.has("0,0") && cells.has("4,4") && cells.has("2,4"));
  assert.ok(!cells.has("1,1"));
});

test("channel sums add every product of a channel", () => {
  assert.deepEqual(channelSums([[[1, 2], [3, 4]], [[-1, 0], [0, 0.5]]]), [10, -0.5]);
});

test("cache keys join their parts", () => {
  assert.equal(stepKey(["m", 1, "conv1", 0]), "m|1|conv1|0");
});
