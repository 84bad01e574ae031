// `node --test frontend/tests`: comparing training runs (lib/traincompare.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { MAX_COMPARED, legends, rate, runLegend, toggled } from "../js/lib/traincompare.js";

test("rate writes a learning rate short", () => {
  assert.equal(rate(0.001), "0.001");
  assert.equal(rate(0.0005), "0.0005");
  assert.equal(rate(0.1), "0.1");
  assert.equal(rate(1e-5), "1e-5");
  assert.equal(rate(0.123456), "0.123");
});

test("runLegend says how a run was set up", () => {
  const config = { optimizer: "sgd", lr: 0.01, augmentation: null, classes: [0, 1], train_size: 1000 };
  assert.equal(runLegend(config), "sgd · lr 0.01 · no augmentation · 2 classes · 1,000 digits");
  assert.equal(runLegend({ ...config, optimizer: "adam", lr: 0.001, augmentation: { rotation: 10 }, classes: null, train_size: null }),
    "adam · lr 0.001 · augmented · all classes");
});

test("legends tell apart two runs set up alike by their ids' ends", () => {
  const config = { optimizer: "adam", lr: 0.001, augmentation: null, classes: [0, 1], train_size: 500 };
  const jobs = [{ id: "simple-mnist-aaaa1111", config }, { id: "simple-mnist-bbbb2222", config }, { id: "x", config: { ...config, lr: 0.01 } }];
  assert.deepEqual(legends(jobs), [
    "adam · lr 0.001 · no augmentation · 2 classes · 500 digits (1111)",
    "adam · lr 0.001 · no augmentation · 2 classes · 500 digits (2222)",
    "adam · lr 0.01 · no augmentation · 2 classes · 500 digits",
  ]);
});

test("toggled adds and removes runs, the oldest pick giving way past the most", () => {
  assert.deepEqual(toggled(["a"], "b", true), ["a", "b"]);
  assert.deepEqual(toggled(["a", "b"], "a", false), ["b"]);
  assert.deepEqual(toggled(["a", "b"], "a", true), ["b", "a"]);
  const full = Array.from({ length: MAX_COMPARED }, (_, i) => `r${i}`);
  assert.deepEqual(toggled(full, "new", true), [...full.slice(1), "new"]);
});
