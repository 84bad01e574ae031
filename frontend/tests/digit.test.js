// lib/digit.js and lib/url.js's withLinkedDigit: which answer speaks for the digit on display,
// and which digit a link names.
import assert from "node:assert/strict";
import { test } from "node:test";

import { sameDigit } from "../js/lib/digit.js";
import { formatHash, parseHash, withLinkedDigit } from "../js/lib/url.js";
import { URL_KEYS } from "../js/store.js";

const CODE = `v1.${"A".repeat(1045)}Q`;

test("a digit is the same when it holds the same thing in the same form", () => {
  const rows = [[0, 1], [1, 0]];
  assert.ok(sameDigit({ image: "data:image/png;base64,AAA" }, { image: "data:image/png;base64,AAA" }));
  assert.ok(sameDigit({ pixels: rows }, { pixels: rows }));
  assert.ok(sameDigit({ code: CODE }, { code: CODE }));
  assert.ok(!sameDigit({ image: "data:image/png;base64,AAA" }, { image: "data:image/png;base64,AAB" }));
  assert.ok(!sameDigit({ pixels: rows }, { pixels: [[0, 1], [1, 0]] })); // other rows, made anew
  assert.ok(!sameDigit({ code: CODE }, { pixels: rows }));
  assert.ok(!sameDigit({ code: CODE }, null));
  assert.ok(!sameDigit(null, null));
  assert.ok(!sameDigit({}, {})); // no digit at all
});

test("a link's input becomes the digit, once", () => {
  const link = parseHash(`#tab=stepper&conv=conv2&filter=12&at=4,7&input=${CODE}`);
  assert.equal(link.input, CODE);
  assert.deepEqual(withLinkedDigit(link, { input: null }), { ...link, digit: { code: CODE } });
  // the page's own input (already the one it computes from) names no new digit
  assert.deepEqual(withLinkedDigit(link, { input: CODE }), link);
  // another link pasted in: its digit
  const other = `v1.${"B".repeat(1045)}A`;
  assert.deepEqual(withLinkedDigit({ input: other }, { input: CODE }), { input: other, digit: { code: other } });
});

test("an old link without input leaves the digit alone", () => {
  const old = parseHash("#tab=stepper&conv=conv2&filter=3&at=4,7");
  assert.deepEqual(withLinkedDigit(old, { input: CODE }), old);
  assert.ok(!("digit" in withLinkedDigit(old, { input: null })));
  assert.ok(!("digit" in withLinkedDigit(parseHash("#input=123"), { input: null }))); // not a code
});

test("the input rides last in the link, and survives the round trip unchanged", () => {
  assert.equal(URL_KEYS.at(-1), "input");
  const hash = formatHash({ tab: "draw", model: "lenet5-mnist", input: CODE }, URL_KEYS);
  assert.ok(hash.endsWith(`&input=${CODE}`)); // base64url needs no escaping
  assert.equal(parseHash(hash).input, CODE);
});
