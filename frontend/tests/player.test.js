import assert from "node:assert/strict";
import { test } from "node:test";
import { intervalPlayer } from "../js/lib/player.js";

/** A fake clock: `timers` for the player, `run(n)` fires the live interval n times. */
function fakeClock() {
  const live = new Map();
  let next = 1;
  return {
    timers: {
      setInterval(fn, ms) { live.set(next, { fn, ms }); return next++; },
      clearInterval(id) { live.delete(id); },
    },
    live,
    run(n) { for (let i = 0; i < n; i += 1) for (const { fn } of [...live.values()]) fn(); },
  };
}

test("start ticks at the rate asked for until stopped", () => {
  const clock = fakeClock();
  let ticks = 0;
  const changes = [];
  const player = intervalPlayer(() => { ticks += 1; }, { onChange: (p) => changes.push(p), timers: clock.timers });
  assert.equal(player.playing, false);
  player.start(4);
  assert.equal(player.playing, true);
  assert.equal([...clock.live.values()][0].ms, 250);
  clock.run(3);
  assert.equal(ticks, 3);
  player.stop();
  assert.equal(player.playing, false);
  assert.equal(clock.live.size, 0);
  clock.run(2);
  assert.equal(ticks, 3);
  assert.deepEqual(changes, [true, false]);
});

test("stop reports even when nothing plays, and a tick may stop the player", () => {
  const clock = fakeClock();
  const changes = [];
  let left = 2;
  const player = intervalPlayer(() => { left -= 1; if (!left) player.stop(); },
    { onChange: (p) => changes.push(p), timers: clock.timers });
  player.stop();
  assert.deepEqual(changes, [false]);
  player.start(1);
  clock.run(5);
  assert.equal(left, 0);
  assert.equal(player.playing, false);
  assert.deepEqual(changes, [false, true, false]);
});
