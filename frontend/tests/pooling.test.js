// `node --test frontend/tests`: the pooling helpers against hand-worked values.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  avgPool2d, avgPoolBackward, cosineSimilarity, maxAbs, maxDifference, maxPoolBackward, pooledSize,
  shift2d,
} from "../js/lib/pooling.js";

const planeOf = (rows) => ({
  height: rows.length, width: rows[0].length, data: Float32Array.from(rows.flat()),
});

test("pooledSize: floor((n - k) / s) + 1", () => {
  assert.equal(pooledSize(28, 2), 14);
  assert.equal(pooledSize(5, 2), 2);
  assert.equal(pooledSize(5, 3, 1), 3);
  assert.equal(pooledSize(1, 2), 0);
});

test("avgPool2d takes the mean of each window", () => {
  const p = planeOf([
    [1, 2, 3, 4],
    [5, 6, 7, 8],
    [0, 0, 1, 1],
    [0, 4, 1, 1],
  ]);
  const out = avgPool2d(p, 2, 2);
  assert.equal(out.height, 2);
  assert.equal(out.width, 2);
  assert.deepEqual([...out.data], [3.5, 5.5, 1, 1]);
  // stride 1 overlaps windows; an odd size drops the last row and column at stride 2
  assert.deepEqual([...avgPool2d(planeOf([[0, 2, 4], [2, 4, 6]]), 2, 1).data], [2, 4]);
  assert.deepEqual([...avgPool2d(planeOf([[1, 3, 9], [5, 7, 9], [9, 9, 9]]), 2).data], [4]);
});

test("maxPoolBackward sends each gradient to its winner and 0 elsewhere", () => {
  const grad = planeOf([[2, -1]]);
  const out = maxPoolBackward(grad, Int32Array.from([5, 2]), 2, 4);
  assert.deepEqual([...out.data], [0, 0, -1, 0, 0, 2, 0, 0]);
  // overlapping windows that share a winner add up
  assert.deepEqual([...maxPoolBackward(planeOf([[1, 3]]), [1, 1], 1, 3).data], [0, 4, 0]);
});

test("avgPoolBackward spreads g / k² over the window", () => {
  const out = avgPoolBackward(planeOf([[4, -8]]), 2, 2, 2, 4);
  assert.deepEqual([...out.data], [1, 1, -2, -2, 1, 1, -2, -2]);
  const overlap = avgPoolBackward(planeOf([[4, 4]]), 2, 1, 2, 3);
  assert.deepEqual([...overlap.data], [1, 2, 1, 1, 2, 1]);
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
