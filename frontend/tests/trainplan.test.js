// `node --test frontend/tests`: the Train view's words for the server's plan of a run.
import assert from "node:assert/strict";
import { test } from "node:test";

import { availableText, duration, fieldMessages, paceText, planLines, probeChoices, scientific } from "../js/lib/trainplan.js";

// POST /api/train/plan's answer for the page's default run on 300 images of each digit.
const PLAN = {
  fits: true, problems: [], fields: {}, dataset: "mnist", classes: [0, 1], class_names: ["0", "1"],
  class_counts: [300, 310], available: 610, validation_size: 61, train_size: 500, max_train_size: 549,
  batch_size: 32, epochs: 5, steps_per_epoch: 16, total_steps: 80, steps_per_second: 2,
  validate_every: 3, validation_points: 27, multiply_adds: 36_221_088, budget: 1e13, seconds: 40,
  probe_layer: "conv1",
  layers: [
    { name: "conv1", type: "Conv2D", shape: [8, 26, 26] }, { name: "pool1", type: "MaxPool2D", shape: [8, 13, 13] },
    { name: "flatten1", type: "Flatten", shape: [1352] }, { name: "fc1", type: "Dense", shape: [2] },
  ],
};

test("fieldMessages puts each problem after its field's label, the rest by request name", () => {
  const { byField, others } = fieldMessages({ train_size: "at most 549 for classes 0 and 1", validate_every: "at least 4", steps_per_second: "a number above 0 and at most 50" });
  assert.deepEqual(byField, { train_size: "Training digits: at most 549 for classes 0 and 1", steps_per_second: "Pace: a number above 0 and at most 50" });
  assert.deepEqual(others, ["validate_every: at least 4"]);
  assert.deepEqual(fieldMessages(undefined), { byField: {}, others: [] });
  // The new fields of the form have their places too.
  assert.deepEqual(fieldMessages({ test_size: "at most 200 for these classes" }).byField, { test_size: "Test digits: at most 200 for these classes" });
});

test("planLines says the steps, the time at the pace, the points and the compute", () => {
  assert.deepEqual(planLines(PLAN), [
    "80 steps: 16 an epoch × 5 epochs of 500 images in batches of 32.",
    "Takes about 40 s at 2 steps a second.",
    "27 validation points, one every 3 steps.",
    "Compute: 3.6e7 of the 1e13 multiply-adds one run may use.",
  ]);
  const fast = planLines({ ...PLAN, steps_per_second: null, seconds: 0.4, validate_every: 1, epochs: 1 });
  assert.equal(fast[0], "80 steps: 16 an epoch × 1 epoch of 500 images in batches of 32.");
  assert.equal(fast[1], "Takes under a second as fast as possible (estimated from the compute).");
  assert.equal(fast[2], "27 validation points, one every step.");
  assert.deepEqual(planLines({ ...PLAN, total_steps: null }), []);
  assert.deepEqual(planLines(null), []);
});

test("availableText says what the server has for the classes, and what is left to train on", () => {
  assert.equal(availableText(PLAN), "610 training images of these classes on the server (0: 300, 1: 310); 61 held out for validation, at most 549 to train on.");
  assert.equal(availableText({ ...PLAN, available: null }), null);
});

test("numbers and durations in few words", () => {
  assert.equal(scientific(36_221_088), "3.6e7");
  assert.equal(scientific(1e13), "1e13");
  assert.equal(scientific(12_345), "12,345");
  assert.equal(duration(40), "about 40 s");
  assert.equal(duration(125), "about 2 min 5 s");
  assert.equal(duration(120.2), "about 2 min");
  assert.equal(duration(0.3), "under a second");
  assert.equal(paceText(1), "1 step a second");
  assert.equal(paceText(0.5), "0.5 steps a second");
});

test("probeChoices offers the layers whose output is maps", () => {
  assert.deepEqual(probeChoices(PLAN), [
    { value: "conv1", text: "conv1 (Conv2D, 8×26×26)" },
    { value: "pool1", text: "pool1 (MaxPool2D, 8×13×13)" },
  ]);
  assert.deepEqual(probeChoices(null), []);
});
