// lib/studentmode.js: the class in the URL, the saved session, the teacher's state as the
// student's, the reconnection's wait.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  classCodeFrom, followPatch, parseSession, reconnectDelay, sessionKey,
} from "../js/lib/studentmode.js";
import { URL_KEYS } from "../js/store.js";

test("the class code comes from the query, trimmed and upper-cased; none is null", () => {
  assert.equal(classCodeFrom("?class=ab3k7q"), "AB3K7Q");
  assert.equal(classCodeFrom("?x=1&class=%20Q7RT9M%20"), "Q7RT9M");
  assert.equal(classCodeFrom("?class="), null);
  assert.equal(classCodeFrom(""), null);
  assert.equal(sessionKey("Q7RT9M"), "cnnviz.class.Q7RT9M");
});

test("a saved session is read back; anything else is no session", () => {
  const saved = JSON.stringify({ studentId: "s1", token: "t0k", name: "Ada" });
  assert.deepEqual(parseSession(saved), { studentId: "s1", token: "t0k", name: "Ada" });
  assert.equal(parseSession(null), null);
  assert.equal(parseSession("not json"), null);
  assert.equal(parseSession(JSON.stringify({ studentId: "s1", name: "Ada" })), null);
  assert.equal(parseSession(JSON.stringify({ studentId: 3, token: "t", name: "Ada" })), null);
});

test("the teacher's stepper state moves the student's view, clearing what the teacher lacks", () => {
  const current = { tab: "pooling", pool: "pool1", map: 2, lab: "pooling", step: 2, present: 1, input: "v1.A" };
  const patch = followPatch({ tab: "stepper", conv: "conv2", filter: 3, at: "4,7", input: "v1.A" }, current, URL_KEYS);
  assert.equal(patch.tab, "stepper");
  assert.equal(patch.conv, "conv2");
  assert.equal(patch.filter, 3);
  assert.equal(patch.at, "4,7");
  // the student's own Pooling position and lab are the teacher's (none), the same digit stays
  assert.equal(patch.pool, null);
  assert.equal(patch.map, null);
  assert.equal(patch.lab, null);
  assert.equal(patch.step, null);
  assert.equal("digit" in patch, false);
  assert.equal("input" in patch, false);
  // presentation mode is the student's own
  assert.equal("present" in patch, false);
});

test("a new input code in the teacher's state becomes the student's digit, as a link's does", () => {
  const patch = followPatch({ tab: "draw", input: "v1.NEW", present: 1 }, { tab: "draw", input: "v1.OLD" }, URL_KEYS);
  assert.deepEqual(patch.digit, { code: "v1.NEW" });
  assert.equal(patch.input, "v1.NEW");
  assert.equal("present" in patch, false);
  // without input the student's digit stays, and without a model the student's model
  const kept = followPatch({ tab: "network" }, { tab: "draw", model: "lenet5-mnist", input: "v1.OLD" }, URL_KEYS);
  assert.equal("digit" in kept, false);
  assert.equal("input" in kept, false);
  assert.equal("model" in kept, false);
  // a model in the state is the student's model
  assert.equal(followPatch({ model: "simple" }, { model: "lenet5-mnist" }, URL_KEYS).model, "simple");
});

test("keys outside the URL keys are never taken, and an empty state clears the view's keys", () => {
  const patch = followPatch({ tab: "draw", digit: { image: "data:evil" }, models: [] }, { tab: "draw" }, URL_KEYS);
  assert.equal("models" in patch, false);
  assert.equal("digit" in patch, false);
  const empty = followPatch(null, { tab: "network", target: 3 }, URL_KEYS);
  assert.equal(empty.target, null);
  assert.equal(empty.tab, null);
});

test("reconnecting waits 0.5 s, doubling, never more than 5 s", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 10].map(reconnectDelay), [500, 1000, 2000, 4000, 5000, 5000]);
});
