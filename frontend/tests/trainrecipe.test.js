// `node --test frontend/tests`: the Train form filled from a recipe (lib/trainrecipe.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { extraText, recipeForm } from "../js/lib/trainrecipe.js";
import { runBody } from "../js/lib/trainrun.js";

const DEFAULTS = {
  model: "simple", dataset: "mnist", classes: [0, 1], train_size: 500, optimizer: "adam", lr: 0.001,
  batch_size: 32, epochs: 5, seed: 0, augmentation: false, layers: [{ type: "Flatten" }], sigmoid_head: false,
  optimizer_kwargs: {}, param_groups: [], loss: "cross_entropy", train_subset: "stratified", test_size: null,
  test_subset: "stratified", keep_best: false, steps_per_second: 2, fast: false, probe_layer: "", extra: {},
};

test("a preset recipe fills the form's fields, and the form sends the recipe back", () => {
  const config = {
    model: "simple", classes: [0, 1, 2], train_size: 1000, optimizer: "sgd", lr: 0.01, optimizer_kwargs: { momentum: 0.9 },
    epochs: 3, batch_size: 64, train_subset: "first", test_size: 100, test_subset: "first", loss: "mse", keep_best: true,
  };
  const form = recipeForm(config, DEFAULTS);
  assert.equal(form.model, "simple");
  assert.equal(form.fast, true); // no pace in the recipe: as fast as possible
  assert.equal(form.seed, 0); // not in the recipe: the form's default
  // Without classes or a size, the server's defaults: every class, every digit not held out.
  const all = recipeForm({ model: "simple" }, DEFAULTS);
  assert.equal(all.classes, null);
  assert.equal(all.train_size, null);
  const body = runBody(form, null, { kwargs: form.optimizer_kwargs, groups: form.param_groups });
  for (const [key, value] of Object.entries(config)) assert.deepEqual(body[key], value, key);
  assert.equal(body.steps_per_second, null);
});

test("a spec recipe opens the builder with its layers; one output is the sigmoid head", () => {
  const spec = { layers: [
    { type: "Rescale", scale: 1, offset: -0.5 },
    { type: "Conv2D", in_channels: 1, out_channels: 8, kernel_size: 3 },
    { type: "MaxPool2D", kernel_size: 2 },
    { type: "Flatten" },
    { type: "Dense", in_features: 1352, out_features: 1 },
  ] };
  const form = recipeForm({ spec, classes: [0, 1], validation_size: 100, lr_schedule: "cosine" }, DEFAULTS);
  assert.equal(form.model, "custom");
  assert.equal(form.sigmoid_head, true);
  assert.deepEqual(form.layers, [
    { type: "Rescale", scale: 1, offset: -0.5 },
    { type: "Conv2D", out_channels: 8, kernel_size: 3 },
    { type: "MaxPool2D", kernel_size: 2 },
    { type: "Flatten" },
    { type: "Dense", out_features: 1 },
  ]);
  // The fields the form has no place for are kept, sent, and said.
  assert.deepEqual(form.extra, { validation_size: 100, lr_schedule: "cosine" });
  assert.equal(extraText(form.extra), 'The set-up also sends: validation_size 100, lr_schedule "cosine".');
  assert.equal(extraText({}), null);
});
