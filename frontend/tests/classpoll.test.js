// A poll's histogram rows from the server's counts, and the options typed one a line.
import assert from "node:assert/strict";
import { test } from "node:test";

import { histogramRows, pollOptions } from "../js/lib/classpoll.js";

test("counts as a list follow the options; shares are over the largest count", () => {
  const rows = histogramRows(["yes", "no", "maybe"], [4, 1, 0]);
  assert.deepEqual(rows.map((r) => [r.option, r.count, r.share, r.correct]), [
    ["yes", 4, 1, false], ["no", 1, 0.25, false], ["maybe", 0, 0, false],
  ]);
});

test("counts keyed by option, a predict poll's digits, and the correct one after a reveal", () => {
  const digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
  const rows = histogramRows(digits, { 7: 3, 1: 2 }, 7);
  assert.deepEqual(rows.map((r) => r.count), [0, 2, 0, 0, 0, 0, 0, 3, 0, 0]);
  assert.deepEqual(rows.filter((r) => r.correct).map((r) => r.option), ["7"]);
  assert.deepEqual(histogramRows(["a", "b"], [1, 2], 0).map((r) => r.correct), [true, false]);
  assert.deepEqual(histogramRows(["a", "b"], [1, 2], null).map((r) => r.correct), [false, false]);
  assert.deepEqual(rows[1].share, 2 / 3);
  assert.deepEqual(histogramRows(["a", "b"], null).map((r) => [r.count, r.share]), [[0, 0], [0, 0]]);
});

test("pollOptions: one option a line, trimmed, blanks dropped", () => {
  assert.deepEqual(pollOptions(" a 7\n\n  a 1 \r\n"), ["a 7", "a 1"]);
  assert.deepEqual(pollOptions(""), []);
});
