// `node --test frontend/tests`: what the page says of a queued training job (lib/trainqueue.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { CANCELLED_LINE, ordinal, stateWords, waitingLine } from "../js/lib/trainqueue.js";

test("ordinal: st, nd, rd by the last digit, th for 11 to 13 of every hundred", () => {
  const expected = {
    1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 10: "10th", 11: "11th", 12: "12th", 13: "13th",
    21: "21st", 22: "22nd", 23: "23rd", 100: "100th", 101: "101st", 111: "111th", 112: "112th", 113: "113th",
  };
  for (const [n, text] of Object.entries(expected)) assert.equal(ordinal(Number(n)), text);
});

test("waitingLine names the place in line, or only the wait when none is known", () => {
  assert.equal(waitingLine(1), "Waiting for a free trainer: 1st in line");
  assert.equal(waitingLine(3), "Waiting for a free trainer: 3rd in line");
  assert.equal(waitingLine(null), "Waiting for a free trainer");
  assert.equal(waitingLine(undefined), "Waiting for a free trainer");
  assert.equal(waitingLine(0), "Waiting for a free trainer");
});

test("stateWords: a queued run's place, a cancelled run never started, others by name", () => {
  assert.equal(stateWords({ state: "queued", queue_position: 2 }), "waiting, 2nd in line");
  assert.equal(stateWords({ state: "queued", queue_position: null }), "waiting");
  assert.equal(stateWords({ state: "cancelled", queue_position: null }), "cancelled while waiting");
  for (const state of ["running", "paused", "done", "failed", "interrupted"]) assert.equal(stateWords({ state, queue_position: null }), state);
  assert.match(CANCELLED_LINE, /^Cancelled while waiting/);
});
