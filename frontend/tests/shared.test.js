// `node --test frontend/tests`: requests shared by several views (lib/shared.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { sharedRequests, untilAborted } from "../js/lib/shared.js";

/** A request the test settles by hand, counting how often it was started. */
function manualRequests() {
  const made = [];
  return {
    made,
    start: () => new Promise((resolve, reject) => made.push({ resolve, reject })),
  };
}

test("two callers of one key while it is on its way share one request", async () => {
  const cache = sharedRequests();
  const requests = manualRequests();
  const first = cache.get("lenet5|", requests.start);
  const second = cache.get("lenet5|", requests.start);
  assert.equal(requests.made.length, 1);
  requests.made[0].resolve({ layers: 7 });
  assert.deepEqual(await first, { layers: 7 });
  assert.equal(await second, await first);
  await cache.get("lenet5|", requests.start);
  assert.equal(requests.made.length, 1, "a settled answer is reused");
  cache.get("lenet5|3", requests.start);
  assert.equal(requests.made.length, 2, "another key is another request");
});

test("a caller that aborts stops waiting; the others still get the answer", async () => {
  const cache = sharedRequests();
  const requests = manualRequests();
  const leaving = new AbortController();
  const left = cache.get("k", requests.start, leaving.signal);
  const staying = cache.get("k", requests.start, new AbortController().signal);
  leaving.abort(new DOMException("replaced by a newer digit", "AbortError"));
  await assert.rejects(left, { name: "AbortError" });
  requests.made[0].resolve("trace");
  assert.equal(await staying, "trace");
  assert.equal(requests.made.length, 1);
});

test("a failed request is forgotten, so the next caller asks again", async () => {
  const cache = sharedRequests();
  const requests = manualRequests();
  const failed = cache.get("k", requests.start);
  requests.made[0].reject(new Error("the server cannot be reached"));
  await assert.rejects(failed, /cannot be reached/);
  const again = cache.get("k", requests.start);
  assert.equal(requests.made.length, 2);
  requests.made[1].resolve("ok");
  assert.equal(await again, "ok");
});

test("untilAborted: an already aborted signal rejects at once, no signal waits as it is", async () => {
  const done = new AbortController();
  done.abort(new DOMException("gone", "AbortError"));
  await assert.rejects(untilAborted(new Promise(() => {}), done.signal), { name: "AbortError" });
  assert.equal(await untilAborted(Promise.resolve(5)), 5);
});

test("clear forgets every answer: the next caller asks again", async () => {
  const cache = sharedRequests();
  const requests = manualRequests();
  const before = cache.get("lenet5-mnist", requests.start);
  requests.made[0].resolve({ name: "old name" });
  await before;
  cache.clear();
  const after = cache.get("lenet5-mnist", requests.start);
  assert.equal(requests.made.length, 2);
  requests.made[1].resolve({ name: "new name" });
  assert.deepEqual(await after, { name: "new name" });
});
