import assert from "node:assert/strict";
import { test } from "node:test";
import {
  cellOf, channelSums, clampPosition, formatKernel, formatPlayground, moveStep, parseKernel,
  parsePlayground, PLAYGROUND_DEFAULTS, stepIndex, stepKey,
} from "../js/lib/stepper.js";

test("step index is row-major, and cellOf undoes it", () => {
  assert.equal(stepIndex(0, 0, 10), 0);
  assert.equal(stepIndex(2, 3, 10), 23);
  assert.deepEqual(cellOf(23, 10), { row: 2, col: 3 });
  assert.deepEqual(cellOf(30, 28), { row: 1, col: 2 });
  assert.deepEqual(cellOf(0, 5), { row: 0, col: 0 });
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

test("channel sums add every product of a channel", () => {
  assert.deepEqual(channelSums([[[1, 2], [3, 4]], [[-1, 0], [0, 0.5]]]), [10, -0.5]);
});

test("cache keys join their parts", () => {
  assert.equal(stepKey(["m", 1, "conv1", 0]), "m|1|conv1|0");
});

test("a custom kernel goes into a link and back", () => {
  const kernel = [[1, 0, -1, 0.5, 2], [-2, 0, 2, 0.125, 1e-7], [1 / 3, 0, -1, 0, 0]];
  const text = formatKernel(kernel);
  assert.equal(text, "3x5:1,0,-1,0.5,2,-2,0,2,0.125,1e-7,0.333333,0,-1,0,0");
  assert.deepEqual(parseKernel(text).values[1], [-2, 0, 2, 0.125, 1e-7]);
  assert.equal(parseKernel(text).values[2][0], 0.333333);
  assert.equal(formatKernel("sobel_x"), "sobel_x");
  assert.deepEqual(parseKernel("sobel_x"), { name: "sobel_x" });
  assert.deepEqual(parseKernel("1x1:4"), { values: [[4]] });
  assert.equal(parseKernel("7x7:" + Array(49).fill("1").join(",")).values.length, 7);
});

test("a kernel link out of bounds is refused", () => {
  assert.equal(parseKernel("8x8:" + Array(64).fill("1").join(",")), null, "over 7×7");
  assert.equal(parseKernel("2x2:1,2,3"), null, "too few values");
  assert.equal(parseKernel("2x2:1,2,3,4,5"), null, "too many values");
  assert.equal(parseKernel("1x2:1,NaN"), null);
  assert.equal(parseKernel("1x2:1,2e7"), null, "over 10^6");
  assert.equal(parseKernel("1x1:" + "1".repeat(800)), null, "too long");
  assert.equal(parseKernel("<script>"), null);
  assert.equal(parseKernel(undefined), null);
});

test("the playground's settings go into a link and back, each within its range", () => {
  const settings = { size: 12, stride: 2, padding: 1, dilation: 1, flip: true };
  assert.equal(formatPlayground(settings), "12,2,1,1,flip");
  assert.deepEqual(parsePlayground("12,2,1,1,flip"), settings);
  assert.deepEqual(parsePlayground("28,1,same,1"), PLAYGROUND_DEFAULTS);
  assert.deepEqual(parsePlayground("2,9,-1,0"), PLAYGROUND_DEFAULTS);
  assert.deepEqual(parsePlayground("65,8,full,8"), { ...PLAYGROUND_DEFAULTS, stride: 8, padding: "full", dilation: 8 });
  assert.deepEqual(parsePlayground(undefined), PLAYGROUND_DEFAULTS);
  assert.deepEqual(parsePlayground("1.5,x"), PLAYGROUND_DEFAULTS);
});
