// `node --test frontend/tests`: what the Train view says about a run (lib/trainrun.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { AUGMENTATION, cellColour, failureLine, largestMistake, progressLine, runBody, runMetrics, seconds, snapshotWhen, stepNow } from "../js/lib/trainrun.js";
import { starterLayers } from "../js/lib/layers.js";

const FORM = {
  model: "simple", dataset: "mnist", classes: [0, 1], train_size: 500, optimizer: "adam",
  lr: 0.001, batch_size: 32, epochs: 1, seed: 0, augmentation: false, layers: starterLayers(2),
  steps_per_second: 2, fast: false, probe_layer: "",
};
const START = { epochs: 2, total_steps: 32, train_size: 500, validation_size: 56, class_names: ["0", "1"] };

test("runBody names a preset, or sends the spec the server checked", () => {
  const preset = runBody(FORM);
  assert.equal(preset.model, "simple");
  assert.equal(preset.spec, undefined);
  assert.equal(preset.augmentation, null);
  assert.equal(preset.emit_filters, true);
  assert.equal(preset.steps_per_second, 2);
  assert.equal(preset.probe_layer, null); // the server's choice: the first Conv2D
  assert.equal(runBody({ ...FORM, fast: true }).steps_per_second, null);
  assert.equal(runBody({ ...FORM, probe_layer: "relu1" }).probe_layer, "relu1");
  const checked = { layers: [{ type: "Flatten" }, { type: "Dense", in_features: 784, out_features: 2 }] };
  const custom = runBody({ ...FORM, model: "custom", augmentation: true }, checked);
  assert.equal(custom.model, undefined);
  assert.equal(custom.spec, checked);
  assert.deepEqual(custom.augmentation, AUGMENTATION);
});

test("seconds reads as seconds under a minute, then minutes; never 0.0 s", () => {
  assert.equal(seconds(4.25), "4.3 s");
  assert.equal(seconds(125), "2 min 5 s");
  assert.equal(seconds(0.04), "under 0.1 s");
  assert.equal(seconds(0), "under 0.1 s");
});

test("progressLine: epoch, step, pace and time, finished from the done event", () => {
  const run = { start: START, last: { epoch: 1, global_step: 20, loss: 0.5 }, epochs: [], done: null };
  assert.equal(stepNow(run), 20);
  assert.equal(progressLine(run, { created: 100 }, 103), "Epoch 1 of 2 · step 20 of 32 · 3.0 s elapsed");
  assert.equal(progressLine(run, null, 103), "Epoch 1 of 2 · step 20 of 32");
  const paced = { ...run, start: { ...START, config: { steps_per_second: 2 } } };
  // A job that waited in the queue counts from when it started, not from when it was queued.
  assert.equal(progressLine(run, { created: 40, started: 100 }, 103), "Epoch 1 of 2 · step 20 of 32 · 3.0 s elapsed");
  assert.equal(progressLine(paced, { created: 100 }, 110), "Epoch 1 of 2 · step 20 of 32 · 2 steps a second · 10.0 s elapsed");
  const done = { ...run, done: { global_step: 32, seconds: 61, accuracy: 0.9, evaluated_on: "test" } };
  assert.equal(stepNow(done), 32);
  assert.equal(progressLine(done, { created: 0 }, 999), "Epoch 1 of 2 · step 32 of 32 · finished in 1 min 1 s");
  const quick = { ...done, done: { ...done.done, seconds: 0.02 } };
  assert.equal(progressLine(quick, { created: 0 }, 999), "Epoch 1 of 2 · step 32 of 32 · finished in under 0.1 s");
  assert.equal(stepNow({ ...run, last: null }), 0);
});

test("failureLine says plainly that the run failed, started or not", () => {
  assert.equal(failureLine({ start: null, last: null, done: null }, "Training digits: at most 540"), "The run failed before it started: Training digits: at most 540");
  assert.equal(failureLine({ start: START, last: { global_step: 12 }, done: null }, "training diverged at step 13"), "The run failed: training diverged at step 13");
  assert.equal(failureLine(null, null), "The run failed before it started: see the server's log");
});

test("runBody sends the new options only when they differ from the server's defaults", () => {
  const plain = runBody(FORM);
  for (const key of ["optimizer_kwargs", "param_groups", "loss", "train_subset", "test_size", "test_subset", "keep_best"]) {
    assert.equal(key in plain, false, key);
  }
  const chosen = runBody(
    { ...FORM, loss: "mse", train_subset: "first", test_size: 100, test_subset: "first", keep_best: true, extra: { validation_size: 50 } },
    null,
    { kwargs: { momentum: 0.9 }, groups: [{ layers: ["dense1"], optimizer: "adagrad", lr: 0.01 }] },
  );
  assert.deepEqual(
    { ...chosen, classes: undefined },
    {
      validation_size: 50, dataset: "mnist", classes: undefined, train_size: 500, optimizer: "adam", lr: 0.001,
      batch_size: 32, epochs: 1, seed: 0, augmentation: null, emit_filters: true, steps_per_second: 2,
      probe_layer: null, optimizer_kwargs: { momentum: 0.9 }, param_groups: [{ layers: ["dense1"], optimizer: "adagrad", lr: 0.01 }],
      loss: "mse", train_subset: "first", test_size: 100, test_subset: "first", keep_best: true, model: "simple",
    },
  );
  // The test subset means nothing without a test size: the whole split is evaluated.
  assert.equal("test_subset" in runBody({ ...FORM, test_subset: "first", test_size: null }), false);
});

test("runMetrics says which epoch's weights a keep-best run kept", () => {
  const done = { accuracy: 0.9, evaluated_on: "test", evaluated_words: "the first 100 test digits", best_epoch: 2, best_accuracy: 0.95 };
  assert.deepEqual(runMetrics({ start: START, last: null, epochs: [], done }).slice(-2), [
    ["accuracy on the first 100 test digits", "90.00%"], ["weights kept", "epoch 2, the best: 95.00% on validation"],
  ]);
});

test("runMetrics lists what is known so far", () => {
  const run = { start: START, last: { loss: 0.12345 }, epochs: [{ val_accuracy: 0.4 }], points: [{ val_accuracy: 0.3 }, { val_accuracy: 0.5 }], done: { accuracy: 0.75, evaluated_on: "test" } };
  assert.deepEqual(runMetrics(run), [
    ["training digits", "500"], ["validation", "56"], ["classes", "0, 1"],
    ["batch loss", "0.123"], ["validation accuracy", "50.00%"], ["test accuracy", "75.00%"],
  ]);
  assert.equal(runMetrics({ start: START, last: null, epochs: [], done: null }).length, 3);
});

test("confusion cells: blue by the row's share on the diagonal, orange by the largest mistake off it", () => {
  const m = [[8, 2], [1, 9]];
  assert.equal(largestMistake(m), 2);
  assert.equal(largestMistake([[3, 0], [0, 4]]), 1);
  assert.deepEqual(cellColour(10, 0, 0, 10, 2), [34, 81, 199].map((c) => Math.round(255 + (c - 255) * 0.9)));
  assert.deepEqual(cellColour(0, 0, 1, 10, 2), [255, 255, 255]);
  assert.deepEqual(cellColour(2, 0, 1, 10, 2), [230, 120, 0].map((c) => Math.round(255 + (c - 255) * 0.72)));
});

test("snapshotWhen: before training, else the step of the run and its epoch", () => {
  assert.equal(snapshotWhen({ global_step: 0, epoch: 0 }, 80), "before training (random start)");
  assert.equal(snapshotWhen({ global_step: 24, epoch: 2 }, 80), "at step 24 of 80 (epoch 2)");
  assert.equal(snapshotWhen({ global_step: 1200, epoch: 3 }, null), "at step 1,200 (epoch 3)");
});
