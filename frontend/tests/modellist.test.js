// lib/modellist.js: the picker's groups and texts from a hand-written model list.
import assert from "node:assert/strict";
import { test } from "node:test";

import { modelGroups, optionText, whatItIs } from "../js/lib/modellist.js";

const lenet = {
  id: "lenet5-mnist", builtin: true, accuracy_text: "98.84% on 0-9",
  name: "LeNet-5 · digits 0-9 · MNIST · 23 Nov 2026", label: "LeNet-5 · digits 0-9 · MNIST · 23 Nov 2026",
};
const simple = { ...lenet, id: "simple-mnist" };
const run = {
  id: "simple-mnist-1a2b", builtin: false, accuracy_text: "99.05% on 0-1",
  name: "Ada's 0 vs 1", label: "Simple CNN · digits 0-1 · MNIST · 1 Dec 14:05",
};
const created = { ...run, id: "custom-9f", accuracy_text: "untrained", name: "x", label: "x" };

test("modelGroups puts bundled models first and the user's after, in the server's order", () => {
  const groups = modelGroups([run, lenet, created, simple]);
  assert.deepEqual(groups.map((g) => g.title), ["Bundled", "Yours"]);
  assert.deepEqual(groups[0].models.map((m) => m.id), ["lenet5-mnist", "simple-mnist"]);
  assert.deepEqual(groups[1].models.map((m) => m.id), ["simple-mnist-1a2b", "custom-9f"]);
});

test("modelGroups leaves out a group without a model", () => {
  assert.deepEqual(modelGroups([lenet]).map((g) => g.title), ["Bundled"]);
  assert.deepEqual(modelGroups([]), []);
});

test("optionText joins the name and the accuracy on its classes", () => {
  assert.equal(optionText(run), "Ada's 0 vs 1 — 99.05% on 0-1");
  assert.equal(optionText(lenet), "LeNet-5 · digits 0-9 · MNIST · 23 Nov 2026 — 98.84% on 0-9");
});

test("whatItIs gives the label only under a name a user chose", () => {
  assert.equal(whatItIs(run), "Simple CNN · digits 0-1 · MNIST · 1 Dec 14:05");
  assert.equal(whatItIs(lenet), "");
  assert.equal(whatItIs(undefined), "");
});
