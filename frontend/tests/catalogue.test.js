// `node --test frontend/tests`: the Train view's choices read from GET /api/catalogue.
import assert from "node:assert/strict";
import { test } from "node:test";

import { CUSTOM, known, networkChoices, optimizerChoices } from "../js/lib/catalogue.js";

const CATALOGUE = {
  presets: [
    { name: "simple", description: "8 filters of 3×3, a pool, one dense layer.", parameters: 13610 },
    { name: "lenet5", description: "LeNet-5 with ReLU.", parameters: 61706 },
  ],
  optimizers: [
    { name: "sgd", description: "Stochastic gradient descent." },
    { name: "adam", description: "Adam." },
  ],
};

test("networkChoices lists the presets in the catalogue's order, then the layer builder", () => {
  const choices = networkChoices(CATALOGUE);
  assert.deepEqual(choices.map((c) => c.value), ["simple", "lenet5", CUSTOM]);
  assert.equal(choices[0].text, "simple · 13,610 parameters");
  assert.equal(choices[1].note, "LeNet-5 with ReLU.");
  assert.match(choices[2].text, /layer by layer/);
});

test("networkChoices with no presets still offers the layer builder", () => {
  assert.deepEqual(networkChoices({ presets: [], optimizers: [] }).map((c) => c.value), [CUSTOM]);
});

test("optimizerChoices lists the catalogue's optimizers with their descriptions", () => {
  assert.deepEqual(optimizerChoices(CATALOGUE), [
    { value: "sgd", text: "sgd", note: "Stochastic gradient descent." },
    { value: "adam", text: "adam", note: "Adam." },
  ]);
});

test("known keeps a listed value and falls back to the first choice", () => {
  const choices = optimizerChoices(CATALOGUE);
  assert.equal(known("adam", choices), "adam");
  assert.equal(known("lion", choices), "sgd");
  assert.equal(known(undefined, choices), "sgd");
  assert.equal(known("adam", []), null);
});
