// lib/labs.js and the lab data: a step opens exactly its link's state, keeps the model and the
// digit, and every lab's step links name a view and only keys the page keeps in its URL.
import assert from "node:assert/strict";
import { test } from "node:test";

import { LABS } from "../js/labs/index.js";
import { closeLab, findLab, KEPT_KEYS, openLab, openStep, stepHash, stepNumber } from "../js/lib/labs.js";
import { parseHash } from "../js/lib/url.js";
import { URL_KEYS } from "../js/store.js";

const LAB = {
  id: "demo",
  steps: [
    { title: "one", text: ["a"], link: "tab=sandbox&sbin=1,2;3,4&sbop=conv", question: "?" },
    { title: "two", text: ["b"], link: "tab=pooling&pool=pool1&map=2", question: "?" },
  ],
};
const KEYS = ["tab", "model", "sbin", "sbop", "sbpad", "pool", "map", "window", "job", "input", "lab", "step"];

test("opening a step clears the keys its link does not name, and keeps the model and digit", () => {
  const patch = openStep(LAB, 2, KEYS);
  assert.deepEqual(patch, {
    tab: "pooling", sbin: undefined, sbop: undefined, sbpad: undefined, pool: "pool1", map: 2,
    window: undefined, job: undefined, lab: "demo", step: 2,
  });
  assert.ok(!("model" in patch) && !("input" in patch));
});

test("a step's values arrive as the URL would give them: matrices as text, whole numbers as numbers", () => {
  const patch = openStep(LAB, 1, KEYS);
  assert.equal(patch.sbin, "1,2;3,4");
  assert.equal(patch.tab, "sandbox");
  assert.equal(patch.step, 1);
});

test("step numbers are clamped to the lab; anything else means the first step", () => {
  assert.equal(stepNumber(LAB, 0), 1);
  assert.equal(stepNumber(LAB, 5), 2);
  assert.equal(stepNumber(LAB, "2"), 1);
  assert.equal(stepNumber(LAB, undefined), 1);
  assert.equal(openStep(LAB, 9, KEYS).step, 2);
});

test("the open lab is read from the state; an unknown lab is none", () => {
  const labs = [LAB];
  assert.equal(findLab(labs, "nope"), null);
  assert.equal(openLab(labs, { lab: "nope", step: 1 }), null);
  assert.equal(openLab(labs, {}), null);
  const open = openLab(labs, { lab: "demo", step: 7 });
  assert.equal(open.number, 2);
  assert.equal(open.step.title, "two");
});

test("a step's link is the step's state with the lab and step, and reads back to it", () => {
  const hash = stepHash(LAB, 1);
  assert.equal(hash, "#tab=sandbox&sbin=1%2C2%3B3%2C4&sbop=conv&lab=demo&step=1");
  assert.deepEqual(parseHash(hash), { tab: "sandbox", sbin: "1,2;3,4", sbop: "conv", lab: "demo", step: 1 });
});

test("closing a lab clears only its own keys", () => {
  assert.deepEqual(closeLab(), { lab: undefined, step: undefined });
});

test("the page keeps the lab and step in its URL, and every kept key is a URL key", () => {
  for (const key of ["lab", "step"]) assert.ok(URL_KEYS.includes(key), key);
  for (const key of KEPT_KEYS) assert.ok(URL_KEYS.includes(key), key);
});

const VIEWS = new Set(["draw", "network", "stepper", "pooling", "train", "sandbox", "model", "labs"]);

test("seven labs with distinct ids, each step a known view, URL keys only, and words to read", () => {
  assert.equal(LABS.length, 7);
  assert.equal(new Set(LABS.map((lab) => lab.id)).size, LABS.length);
  for (const lab of LABS) {
    assert.ok(!/^\d+$/.test(lab.id), `${lab.id}: a numeric id would come back from the URL as a number`);
    for (const field of ["title", "notebook", "summary", "data"]) assert.ok(lab[field], `${lab.id}.${field}`);
    assert.ok(lab.steps.length >= 2, lab.id);
    for (const [i, step] of lab.steps.entries()) {
      const where = `${lab.id} step ${i + 1}`;
      const state = parseHash(step.link);
      assert.ok(VIEWS.has(state.tab), `${where}: tab ${state.tab}`);
      for (const key of Object.keys(state)) assert.ok(URL_KEYS.includes(key), `${where}: ${key} is no URL key`);
      assert.ok(!("lab" in state) && !("step" in state), `${where}: the bar adds lab and step`);
      assert.ok(step.title && step.question && step.text.length, where);
    }
  }
});

test("every lab says which of its set-ups need the full 60,000 digits, or that none does", () => {
  for (const lab of LABS) assert.match(lab.data, /60,000/, lab.id);
});
