// `node --test frontend/tests`: the Train form's optimizer settings (lib/trainoptions.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { MAX_GROUPS, groupsBody, kwargsBody, newGroup, optimizerArguments, weightedLayers } from "../js/lib/trainoptions.js";

// Two optimizers as GET /api/catalogue lists them.
const OPTIMIZERS = [
  { name: "sgd", arguments: [
    { name: "lr", type: { type: "number" }, required: true, default: null },
    { name: "momentum", type: { type: "number" }, required: false, default: 0.0 },
    { name: "nesterov", type: { type: "boolean" }, required: false, default: false },
    { name: "weight_decay", type: { type: "number" }, required: false, default: 0.0 },
  ] },
  { name: "adam", arguments: [
    { name: "lr", type: { type: "number" }, required: false, default: 0.001 },
    { name: "betas", type: { type: "array", minItems: 2, maxItems: 2 }, required: false, default: [0.9, 0.999] },
    { name: "amsgrad", type: { type: "boolean" }, required: false, default: false },
  ] },
];

test("optimizerArguments: the catalogue's arguments but the learning rate, with their kinds", () => {
  assert.deepEqual(optimizerArguments(OPTIMIZERS, "sgd"), [
    { name: "momentum", kind: "number", default: 0 },
    { name: "nesterov", kind: "boolean", default: false },
    { name: "weight_decay", kind: "number", default: 0 },
  ]);
  assert.deepEqual(optimizerArguments(OPTIMIZERS, "adam").map((a) => a.kind), ["pair", "boolean"]);
  assert.deepEqual(optimizerArguments(OPTIMIZERS, "lion"), []);
  assert.deepEqual(optimizerArguments(null, "sgd"), []);
});

test("kwargsBody sends only the values set and different from the defaults", () => {
  const sgd = optimizerArguments(OPTIMIZERS, "sgd");
  assert.deepEqual(kwargsBody(sgd, { momentum: 0.9, nesterov: true, weight_decay: 0 }), { momentum: 0.9, nesterov: true });
  assert.deepEqual(kwargsBody(sgd, { momentum: null }), {});
  assert.deepEqual(kwargsBody(sgd, undefined), {});
  // A value of another optimizer (left from before a switch) is not sent.
  assert.deepEqual(kwargsBody(sgd, { betas: [0.8, 0.9] }), {});
  const adam = optimizerArguments(OPTIMIZERS, "adam");
  assert.deepEqual(kwargsBody(adam, { betas: [0.8, 0.999] }), { betas: [0.8, 0.999] });
  assert.deepEqual(kwargsBody(adam, { betas: [0.9, 0.999] }), {});
  assert.deepEqual(kwargsBody(adam, { betas: [null, 0.99] }), {}); // half typed: not yet
});

test("weightedLayers: the plan's Conv2D and Dense layers, in order", () => {
  const plan = { layers: [
    { name: "conv1", type: "Conv2D", shape: [8, 26, 26] }, { name: "relu1", type: "ReLU", shape: [8, 26, 26] },
    { name: "flatten1", type: "Flatten", shape: [5408] }, { name: "dense1", type: "Dense", shape: [10] },
  ] };
  assert.deepEqual(weightedLayers(plan), ["conv1", "dense1"]);
  assert.deepEqual(weightedLayers(null), []);
});

test("groupsBody keeps the groups that name a layer, as param_groups", () => {
  const groups = [{ layers: ["dense1"], optimizer: "adagrad", lr: 0.01 }, newGroup()];
  assert.deepEqual(groupsBody(groups), [{ layers: ["dense1"], optimizer: "adagrad", lr: 0.01 }]);
  assert.deepEqual(groupsBody(undefined), []);
  assert.deepEqual(newGroup(), { layers: [], optimizer: "adagrad", lr: 0.01 });
  assert.ok(MAX_GROUPS >= 2);
});
