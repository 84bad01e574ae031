// Play and pause as a clock, with no DOM: `tick` runs `rate` times a second while playing, and
// `onChange(playing)` says when to redraw the Play button (the Convolution view's stepper).

/**
 * `const player = intervalPlayer(tick, { onChange })`; `player.start(rate)`, `player.stop()`,
 * `player.playing`. `stop()` always reports `onChange(false)`, also when nothing was playing.
 * `timers` ({setInterval, clearInterval}) defaults to the global ones (tests pass a fake clock).
 */
export function intervalPlayer(tick, { onChange = () => {}, timers = globalThis } = {}) {
  let id = null;
  return {
    get playing() { return id !== null; },
    start(rate) {
      onChange(true);
      id = timers.setInterval(tick, 1000 / rate);
    },
    stop() {
      if (id !== null) timers.clearInterval(id);
      id = null;
      onChange(false);
    },
  };
}
