// lib/url.js: each view's keys are its own; an old link's shared keys go to the tab it names.
import assert from "node:assert/strict";
import { test } from "node:test";

import { formatHash, parseHash, readOldKeys } from "../js/lib/url.js";
import { URL_KEYS } from "../js/store.js";

const read = (hash, currentTab = "draw") => readOldKeys(parseHash(hash), currentTab);

test("the README's old stepper link opens the stepper at that layer, filter and cell", () => {
  assert.deepEqual(read("#tab=stepper&layer=conv2&channel=3&row=4&col=7"),
    { tab: "stepper", conv: "conv2", filter: 3, at: "4,7" });
  assert.deepEqual(read("#tab=stepper&row=5"), { tab: "stepper", at: "5,0" });
  assert.deepEqual(read("#tab=stepper&row=-2&col=3"), { tab: "stepper", at: "0,3" });
});

test("an old Pooling link's channel is the Pooling view's map, not the stepper's filter", () => {
  assert.deepEqual(read("#tab=pooling&pool=pool1&channel=2&window=3,5&target=7"),
    { tab: "pooling", pool: "pool1", map: 2, window: "3,5", target: 7 });
});

test("old keys under a tab that owns none are dropped; without a tab, the current tab counts", () => {
  assert.deepEqual(read("#tab=network&layer=conv2&channel=3&target=1"), { tab: "network", target: 1 });
  assert.deepEqual(read("#channel=4", "pooling"), { map: 4 });
  assert.deepEqual(read("#layer=conv1&row=1&col=2", "stepper"), { conv: "conv1", at: "1,2" });
});

test("a key written today wins over its old name; new links pass through unchanged", () => {
  assert.deepEqual(read("#tab=stepper&filter=12&channel=2&at=4,7&row=1&col=1"),
    { tab: "stepper", filter: 12, at: "4,7" });
  const hash = "#tab=pooling&model=lenet5-mnist&conv=conv2&filter=12&at=4,7&pool=pool1&map=2&window=3,5&target=3";
  assert.deepEqual(read(formatHash(read(hash), URL_KEYS)), read(hash));
  assert.equal(read(hash).at, "4,7");
});

test("no two views share a key in a link: the stepper's and the Pooling view's are distinct", () => {
  const state = read("#tab=stepper&conv=conv2&filter=12&at=4,7&pool=pool1&map=2&window=3,5");
  assert.equal(state.filter, 12);
  assert.equal(state.map, 2);
  for (const old of ["layer", "channel", "row", "col"]) assert.ok(!URL_KEYS.includes(old), old);
});
