// Requests asked for by several views at once, made once: a keyed cache of promises. A caller
// that stops waiting (its AbortSignal fires) leaves the request running for the others; a
// request that fails is forgotten, so the next caller asks again.

/** `promise`, or the signal's reason as soon as `signal` aborts (this caller only). */
export function untilAborted(promise, signal) {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const stop = () => reject(signal.reason);
    signal.addEventListener("abort", stop, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", stop));
  });
}

/** `const cache = sharedRequests()`; `cache.get(key, start, signal)` returns the promise of
 * `start()` made for `key` the first time (while it is on its way too), awaited until `signal`
 * aborts; `cache.clear()` forgets them all. */
export function sharedRequests() {
  const known = new Map();
  return {
    get(key, start, signal) {
      if (!known.has(key)) {
        const request = start();
        known.set(key, request);
        request.catch(() => { if (known.get(key) === request) known.delete(key); });
      }
      return untilAborted(known.get(key), signal);
    },
    /** Forget every answer: the next caller of each key asks again. */
    clear() {
      known.clear();
    },
  };
}
