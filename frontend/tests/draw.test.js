// `node --test frontend/tests`: the Draw view's pure helpers (the prediction pace, the latest
// request, greyscale digits).
import assert from "node:assert/strict";
import { test } from "node:test";

import { invertedRGBA, unitRows } from "../js/lib/greyscale.js";
import { latestOnly, throttledRequests } from "../js/lib/scheduler.js";

/** A fake clock with timers: `advance(ms)` runs what falls due, in order. */
function fakeTime() {
  let now = 0;
  let next = 1;
  const due = new Map();
  return {
    clock: { now: () => now },
    timers: {
      setTimeout(fn, ms) { const id = next++; due.set(id, { at: now + ms, fn }); return id; },
      clearTimeout(id) { due.delete(id); },
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const ready = [...due].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!ready) break;
        due.delete(ready[0]);
        now = ready[1].at;
        ready[1].fn();
      }
      now = end;
    },
  };
}

function paced() {
  const time = fakeTime();
  const calls = [];
  const pace = throttledRequests(() => { calls.push(time.clock.now()); pace.sent(); },
    { interval: 250, debounce: 60, timers: time.timers, clock: time.clock });
  return { time, calls, pace };
}

test("while drawing, requests go out at most every 250 ms and a due one is not postponed", () => {
  const { time, calls, pace } = paced();
  for (let t = 0; t < 1000; t += 10) { pace.change(true); time.advance(10); }
  assert.deepEqual(calls, [60, 310, 560, 810]);
});

test("the first change of a stroke waits only the debounce", () => {
  const { time, calls, pace } = paced();
  pace.change(true);
  assert.ok(pace.due);
  time.advance(59);
  assert.deepEqual(calls, []);
  time.advance(1);
  assert.deepEqual(calls, [60]);
  assert.equal(pace.due, false);
});

test("out of a stroke, each change postpones the request to 60 ms after it (debounce)", () => {
  const { time, calls, pace } = paced();
  pace.change(false);
  time.advance(40);
  pace.change(false);
  time.advance(40);
  assert.deepEqual(calls, []);
  time.advance(20);
  assert.deepEqual(calls, [100]);
});

test("soon() ignores the throttle, cancel() drops what was due", () => {
  const { time, calls, pace } = paced();
  pace.change(true);
  time.advance(60);
  pace.soon();
  time.advance(60);
  assert.deepEqual(calls, [60, 120]);
  pace.soon();
  pace.cancel();
  time.advance(500);
  assert.deepEqual(calls, [60, 120]);
  assert.equal(pace.due, false);
});

test("latestOnly aborts the older request and says which one is current", () => {
  const latest = latestOnly();
  const a = latest.start();
  const b = latest.start();
  assert.equal(a.signal.aborted, true);
  assert.equal(b.signal.aborted, false);
  assert.equal(latest.finish(a), false);
  assert.equal(latest.finish(b), true);
  assert.equal(latest.finish(b), false);
  const c = latest.start();
  latest.abort();
  assert.equal(c.signal.aborted, true);
  assert.equal(latest.finish(c), false);
});

test("unitRows scales bytes to [0, 1] rows with 4 decimals", () => {
  const grey = Uint8Array.from([0, 255, 128, 1, 64, 200]);
  assert.deepEqual(unitRows(grey, 2, 3), [[0, 1, 0.502], [0.0039, 0.251, 0.7843]]);
});

test("invertedRGBA turns ink dark on white, opaque", () => {
  assert.deepEqual([...invertedRGBA(Uint8Array.from([0, 255, 55]))],
    [255, 255, 255, 255, 0, 0, 0, 255, 200, 200, 200, 255]);
});
