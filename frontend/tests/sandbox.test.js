// `node --test frontend/tests`: the sandbox's link and form helpers against hand-written cases.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  decimalsFor, formatMatrix, formFromRequest, parseMatrix, readPadding, requestFromState,
  SANDBOX_KEYS, sandboxPatch, stateFromForm, stateFromRequest, windowCells,
} from "../js/lib/sandbox.js";

/** A body shaped as GET /api/sandbox/examples gives the first example (numbers arrive as floats,
 * the defaults the server fills in included). */
const OPENING = { op: "conv", input: [[1, 3, 2, 4]], kernel: [[1, 0, 2]], padding: 1, dilation: 1, flip: true };

test("parseMatrix reads lines or ';' as rows and commas or spaces between numbers", () => {
  assert.deepEqual(parseMatrix("1, 3 2\n4,5 6").values, [[1, 3, 2], [4, 5, 6]]);
  assert.deepEqual(parseMatrix("1,3;2,4").values, [[1, 3], [2, 4]]);
  assert.deepEqual(parseMatrix(" -1.5  .25  2e1 \u22123 ").values, [[-1.5, 0.25, 20, -3]]);
  assert.deepEqual(parseMatrix(7).values, [[7]], "a one-number link value arrives as a number");
  assert.deepEqual(parseMatrix("  \n ").values, null);
  assert.deepEqual(parseMatrix(undefined).values, null);
  assert.equal(parseMatrix("1, x, 3").error, '"x" is not a number');
  assert.equal(parseMatrix("1 2 Infinity").error, '"Infinity" is not a number');
  assert.deepEqual(parseMatrix("1 2\n3").values, [[1, 2], [3]], "ragged rows are the server's to refuse");
});

test("formatMatrix writes link text and form text", () => {
  assert.equal(formatMatrix([[1, 3], [2, 4]]), "1,3;2,4");
  assert.equal(formatMatrix([[1, 3], [2, 4]], { rows: "\n", cols: ", " }), "1, 3\n2, 4");
});

test("readPadding: a mode or a whole number of zeros, else 0", () => {
  assert.deepEqual(["same", "full", "valid", 2, "3", -1, "x", undefined].map(readPadding), ["same", "full", "valid", 2, 3, 0, 0, 0]);
});

test("requestFromState: a link without sandbox keys opens on the opening body", () => {
  assert.deepEqual(requestFromState({ tab: "sandbox" }, OPENING).body, OPENING);
  const pool = requestFromState({ sbop: "maxpool" }, OPENING).body;
  assert.deepEqual(pool, { op: "maxpool", padding: 0, input: [[1, 3, 2, 4]], pool: 2 }, "absent keys take its input");
  assert.deepEqual(requestFromState({ sbop: "conv", sbin: "5 6" }, OPENING).body.kernel, [[1, 0, 2]], "and its kernel");
  assert.deepEqual(requestFromState({ tab: "sandbox" }).body, { op: "conv", padding: "valid", dilation: 1, flip: false },
    "without examples there is no input: the server's refusal says so");
});

test("requestFromState reads every key, numbers as parseHash gives them", () => {
  const conv = requestFromState({ sbop: "conv", sbin: "1,2,3;4,5,6", sbkernel: 2, sbpad: 1, sbstride: 2, sbdil: 2, sbflip: 1, sbgrad: "1;2" }).body;
  assert.deepEqual(conv, { op: "conv", padding: 1, input: [[1, 2, 3], [4, 5, 6]], grad: [[1], [2]], kernel: [[2]], stride: 2, dilation: 2, flip: true });
  const pool = requestFromState({ sbop: "maxpool", sbin: "1,2;3,4", sbkernel: "9", sbpool: 2, sbdil: 3, sbflip: 1 }).body;
  assert.deepEqual(pool, { op: "maxpool", padding: 0, input: [[1, 2], [3, 4]], pool: 2 }, "a pool sends no kernel, dilation or flip");
  assert.equal(requestFromState({ sbop: "nonsense", sbin: "1" }).body.op, "conv");
  assert.equal(requestFromState({ sbin: "1 2 y" }).error, 'the input: "y" is not a number');
  assert.equal(requestFromState({ sbop: "avgpool", sbgrad: "z" }).error, 'the upstream gradient: "z" is not a number');
});

test("stateFromForm writes what differs from the defaults; formFromRequest reads it back", () => {
  const form = {
    op: "conv", input: "1 3 2\n4 5 6", kernel: "1, 0", pool: "2", stride: "", padding: "number", padnum: "2",
    dilation: "1", flip: true, grad: "",
  };
  const state = stateFromForm(form);
  assert.deepEqual(state, {
    sbop: "conv", sbin: "1,3,2;4,5,6", sbkernel: "1,0", sbpool: null, sbstride: null, sbdil: null, sbflip: 1, sbpad: 2, sbgrad: null,
  });
  const back = formFromRequest(requestFromState(state).body);
  assert.deepEqual(back, { ...form, input: "1, 3, 2\n4, 5, 6" });
  assert.equal(formFromRequest({ op: "maxpool", input: [[1]], padding: 0 }, OPENING).kernel, "1, 0, 2", "a pool shows the opening kernel");
  const pool = stateFromForm({ ...form, op: "maxpool", padding: "valid", stride: "1", grad: "1 2" });
  assert.deepEqual([pool.sbkernel, pool.sbflip, pool.sbpool, pool.sbstride, pool.sbpad, pool.sbgrad], [null, null, 2, 1, "valid", "1,2"]);
  assert.equal(stateFromForm({ ...form, input: "1 x" }).sbin, "1 x", "text that does not parse stays as typed");
});

test("stateFromRequest writes a server example as link keys that read back to its body", () => {
  assert.deepEqual(stateFromRequest(OPENING), {
    sbop: "conv", sbin: "1,3,2,4", sbkernel: "1,0,2", sbpool: null, sbstride: null, sbdil: null, sbflip: 1, sbpad: 1, sbgrad: null,
  });
  const avg = { op: "avgpool", input: [[4, 2], [2, 5]], pool: 2, padding: 0, dilation: 1, flip: false, grad: [[7]] };
  const state = stateFromRequest(avg);
  assert.deepEqual(state, {
    sbop: "avgpool", sbin: "4,2;2,5", sbkernel: null, sbpool: 2, sbstride: null, sbdil: null, sbflip: null, sbpad: "valid", sbgrad: "7",
  });
  assert.deepEqual(requestFromState(state, OPENING).body, { op: "avgpool", padding: "valid", input: [[4, 2], [2, 5]], grad: [[7]], pool: 2 });
  assert.equal(stateFromRequest({ op: "maxpool", input: [[1]], pool: 1 }).sbpad, "valid", "no padding: 0, written valid");
  const patch = sandboxPatch(state);
  assert.deepEqual(Object.keys(patch), SANDBOX_KEYS);
  assert.equal(patch.sbkernel, null, "an example clears the keys it does not set");
});

test("windowCells: output (i, j) reads padded rows rows[i] × columns cols[j]", () => {
  const windows = { rows: [[0, 1], [2, 3]], cols: [[0, 2], [1, 3]] }; // 2×2 with dilation 2 across
  assert.deepEqual(windowCells(windows, 1, 0), ["2,0", "2,2", "3,0", "3,2"]);
});

test("decimalsFor shows integers as integers and keeps the decimals values need", () => {
  assert.equal(decimalsFor([[[1, 2], [3, -4]]]), 0);
  assert.equal(decimalsFor([[3.25, 3], [2.5, 1]]), 2);
  assert.equal(decimalsFor([[1 / 3]]), 3);
  assert.equal(decimalsFor([[0.1 + 0.2]]), 1, "float noise does not ask for more decimals");
});
