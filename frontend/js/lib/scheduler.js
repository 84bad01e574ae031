// Request scheduling with no DOM: the Draw view's prediction pace (throttled while a stroke is
// drawn, debounced otherwise) and "only the latest request counts" (older ones are aborted).

/**
 * `const pace = throttledRequests(run, { interval, debounce })`: `run()` is called at most once
 * per `interval` ms while a stroke is drawn, and `debounce` ms after the last change otherwise.
 * - `pace.change(drawing)`: the drawing changed; while `drawing`, a call already due is kept
 *   (throttle, do not postpone) and the next one waits until `interval` ms after the last
 *   `sent()`, at least `debounce` ms; when not drawing, the due call is postponed to `debounce`.
 * - `pace.soon()`: a change that is not a stroke: due in `debounce` ms, no throttling.
 * - `pace.cancel()`: nothing is due any more.
 * - `pace.sent()`: a request went out now (the throttle counts from here).
 * `timers` ({setTimeout, clearTimeout}) and `clock` ({now}) default to the global ones (tests pass
 * fakes).
 */
export function throttledRequests(run, { interval, debounce, timers = globalThis, clock = globalThis.performance } = {}) {
  let timer = null;
  let lastSent = -Infinity;
  function fire() {
    timer = null;
    run();
  }
  function cancel() {
    timers.clearTimeout(timer);
    timer = null;
  }
  return {
    get due() { return timer !== null; },
    change(drawing) {
      if (drawing) {
        if (timer) return;
        const wait = Math.max(debounce, lastSent + interval - clock.now());
        timer = timers.setTimeout(fire, wait);
      } else {
        timers.clearTimeout(timer);
        timer = timers.setTimeout(fire, debounce);
      }
    },
    soon() {
      cancel();
      timer = timers.setTimeout(fire, debounce);
    },
    cancel,
    sent() { lastSent = clock.now(); },
  };
}

/**
 * `const latest = latestOnly()`: each `latest.start()` aborts the request started before it and
 * returns a fresh AbortController; `latest.abort()` aborts the current one; `latest.finish(c)`
 * forgets `c` and returns true when `c` was still the current one (false when a newer started).
 */
export function latestOnly() {
  let current = null;
  return {
    start() {
      if (current) current.abort();
      current = new AbortController();
      return current;
    },
    abort() {
      if (current) current.abort();
      current = null;
    },
    finish(controller) {
      if (current !== controller) return false;
      current = null;
      return true;
    },
  };
}
