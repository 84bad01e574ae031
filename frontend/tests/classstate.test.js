// The class state a teacher's page sends, and the teacher's class kept across a reload.
import assert from "node:assert/strict";
import { test } from "node:test";

import { classState, readTeacherSession } from "../js/lib/classstate.js";
import { URL_KEYS } from "../js/store.js";

test("classState keeps the link's keys that are set, in URL_KEYS order, without present", () => {
  const page = {
    present: 1, input: "v1.abc", tab: "stepper", conv: "conv2", at: "4,7", filter: 0,
    model: "lenet5-mnist", target: null, kernel: "", digit: { code: "v1.abc" }, models: [1, 2],
  };
  const state = classState(page, URL_KEYS);
  // By hand: the set URL keys, filter 0 included (a number, not "unset"), digit and models are
  // not URL keys, present is each screen's own.
  assert.deepEqual(Object.keys(state), ["tab", "model", "conv", "filter", "at", "input"]);
  assert.deepEqual(state, { tab: "stepper", model: "lenet5-mnist", conv: "conv2", filter: 0, at: "4,7", input: "v1.abc" });
  assert.equal(JSON.stringify(classState({ ...page }, URL_KEYS)), JSON.stringify(state));
});

test("readTeacherSession takes only a whole record back", () => {
  const link = "http://10.0.0.5:8000/?class=ABC234";
  assert.deepEqual(readTeacherSession(`{"code":"ABC234","token":"t","join_url":"${link}","seq":12}`),
    { code: "ABC234", token: "t", join_url: link, seq: 12 });
  assert.deepEqual(readTeacherSession('{"code":"ABC234","token":"t"}'), { code: "ABC234", token: "t", join_url: null, seq: 0 });
  assert.equal(readTeacherSession('{"code":"ABC234","token":"t","seq":-3}').seq, 0);
  for (const text of [null, "", "{", "[]", '{"code":"ABC234"}', '{"code":"","token":"t"}', '{"code":5,"token":"t"}']) {
    assert.equal(readTeacherSession(text), null, text);
  }
});
