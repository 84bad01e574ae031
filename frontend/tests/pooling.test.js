// `node --test frontend/tests`: the pooling helpers against hand-worked values.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  avgPoolBackward, cosineSimilarity, maxAbs, maxDifference, maxPoolBackward, shift2d, windowEdges,
  windowIndexAt,
} from "../js/lib/pooling.js";

const planeOf = (rows) => ({
  height: rows.length, width: rows[0].length, data: Float32Array.from(rows.flat()),
});

test("windowIndexAt: the window a pointer is over, from the API's windows", () => {
  const stride2 = [[0, 1], [2, 3], [4, 5]]; // 2×2, stride 2
  assert.deepEqual([0, 1, 2, 3, 5, 9].map((v) => windowIndexAt(stride2, v)), [0, 0, 1, 1, 2, 2]);
  const overlapping = [[0, 1, 2], [1, 2, 3], [2, 3, 4]]; // 3 wide, stride 1: the one starting there
  assert.deepEqual([0, 1, 2, 4].map((v) => windowIndexAt(overlapping, v)), [0, 1, 2, 2]);
  const padded = [[-1, 0, 1], [1, 2, 3]]; // 3 wide, stride 2, padding 1
  assert.deepEqual([-1, 0, 1, 3].map((v) => windowIndexAt(padded, v)), [0, 0, 1, 1]);
  assert.equal(windowIndexAt([[0, 1], [4, 5]], 3), 0, "a gap belongs to the window before it");
});

test("maxPoolBackward sends each gradient to its winner and 0 elsewhere", () => {
  const grad = planeOf([[2, -1]]);
  const out = maxPoolBackward(grad, Int32Array.from([5, 2]), 2, 4);
  assert.deepEqual([...out.data], [0, 0, -1, 0, 0, 2, 0, 0]);
  // overlapping windows that share a winner add up
  assert.deepEqual([...maxPoolBackward(planeOf([[1, 3]]), [1, 1], 1, 3).data], [0, 4, 0]);
});

test("windowEdges: the lines of a tiling, none for overlapping windows", () => {
  assert.deepEqual(windowEdges([[0, 1], [2, 3], [4, 5]], 7), [2, 4, 6], "the 7th cell is in no window");
  assert.deepEqual(windowEdges([[0, 1], [2, 3]], 4), [2]);
  assert.deepEqual(windowEdges([[-1, 0, 1], [2, 3, 4]], 5), [2], "padding: the first edge is outside");
  assert.deepEqual(windowEdges([[0, 1, 2], [1, 2, 3]], 4), [], "overlapping");
  assert.deepEqual(windowEdges([[0, 1], [3, 4]], 5), [], "a gap");
});

test("avgPoolBackward spreads g / (KH·KW) over each window the API lists", () => {
  const twoByTwo = { rows: [[0, 1]], cols: [[0, 1], [2, 3]] };
  const out = avgPoolBackward(planeOf([[4, -8]]), twoByTwo, 2, 4);
  assert.deepEqual([...out.data], [1, 1, -2, -2, 1, 1, -2, -2]);
  const overlap = avgPoolBackward(planeOf([[4, 4]]), { rows: [[0, 1]], cols: [[0, 1], [1, 2]] }, 2, 3);
  assert.deepEqual([...overlap.data], [1, 2, 1, 1, 2, 1]);
  // 3×3 windows with padding 1: the share of the padding cells is lost (9 cells, 4 real)
  const padded = avgPoolBackward(planeOf([[9]]), { rows: [[-1, 0, 1]], cols: [[-1, 0, 1]] }, 2, 2);
  assert.deepEqual([...padded.data], [1, 1, 1, 1]);
});

test("shift2d moves right/down and fills with 0", () => {
  const rows = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
  assert.deepEqual(shift2d(rows, 0, 1), [[0, 1, 2], [0, 4, 5], [0, 7, 8]]);
  assert.deepEqual(shift2d(rows, 1, 0), [[0, 0, 0], [1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(shift2d(rows, 2, 2), [[0, 0, 0], [0, 0, 0], [0, 0, 1]]);
  assert.deepEqual(shift2d(rows, -1, -1), [[5, 6, 0], [8, 9, 0], [0, 0, 0]]);
  assert.deepEqual(shift2d(rows, 0, 0), rows);
  assert.deepEqual(rows, [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "the input is not changed");
  assert.deepEqual(shift2d(rows, 5, 0), [[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
});

test("cosineSimilarity: 1 for the same direction, 0 for orthogonal, -1 for opposite", () => {
  assert.ok(Math.abs(cosineSimilarity([1, 2, 3], [2, 4, 6]) - 1) < 1e-12);
  assert.equal(cosineSimilarity([1, 0], [0, 1]), 0);
  assert.ok(Math.abs(cosineSimilarity([1, -1], [-1, 1]) + 1) < 1e-12);
  assert.ok(Math.abs(cosineSimilarity([1, 1], [1, 0]) - Math.SQRT1_2) < 1e-12);
  assert.equal(cosineSimilarity([0, 0], [0, 0]), 1);
  assert.equal(cosineSimilarity([0, 0], [1, 0]), 0);
  assert.equal(cosineSimilarity(Float32Array.from([3, 4]), Float32Array.from([3, 4])), 1);
  assert.throws(() => cosineSimilarity([1], [1, 2]), /lengths differ/);
});

test("maxAbs and maxDifference", () => {
  assert.equal(maxAbs([1, -3], [2]), 3);
  assert.equal(maxAbs([0], []), 1);
  assert.equal(maxDifference([1, 2, 3], [1, 2.5, 2]), 1);
});
