// `node --test frontend/tests`: the activation plot's geometry against hand-worked values.
import assert from "node:assert/strict";
import { test } from "node:test";

import { byteSize, extent, linear, nearestIndex, polylinePoints } from "../js/lib/curve.js";

test("linear maps a domain onto a range, flipped when the range runs backwards", () => {
  const sx = linear([-6, 6], [40, 640]);
  assert.deepEqual([-6, 0, 6, 3].map(sx), [40, 340, 640, 490]);
  const sy = linear([0, 1], [300, 20]); // SVG y grows downwards
  assert.deepEqual([0, 0.5, 1].map(sy), [300, 160, 20]);
  assert.equal(linear([2, 2], [0, 10])(5), 0, "an empty domain maps everything to the start");
});

test("polylinePoints writes each sample through both maps", () => {
  const sx = linear([0, 2], [0, 100]);
  const sy = linear([0, 1], [50, 0]);
  assert.equal(polylinePoints([0, 1, 2], [0, 1, 0.5], sx, sy), "0.00,50.00 50.00,0.00 100.00,25.00");
});

test("nearestIndex finds the closest sample, the earlier one on a tie", () => {
  const xs = [-6, -3, 0, 3, 6];
  assert.deepEqual([-7, -4.4, -4.5, -1, 0.2, 2.9, 100].map((x) => nearestIndex(xs, x)), [0, 1, 0, 2, 2, 3, 4]);
  assert.equal(nearestIndex([], 1), -1);
});

test("extent spans every array", () => {
  assert.deepEqual(extent([0, 0.5, 1], [0.25, -0.1]), [-0.1, 1]);
});

test("byteSize: bytes, KiB and MiB", () => {
  assert.equal(byteSize(60008), "58.6 KiB");
  assert.equal(byteSize(4704), "4,704 B");
  assert.equal(byteSize(40), "40 B");
  assert.equal(byteSize(3 * 1024 * 1024 + 200 * 1024), "3.2 MiB");
});
