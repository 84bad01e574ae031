// The app's state in one place. Views read `store.state`, change it with `store.set({...})` and
// listen for "change" events, whose `detail.changed` is the set of keys that changed. The keys
// in URL_KEYS mirror the URL hash both ways, so a shared link opens the same view and the
// browser's back button walks through views.
import { formatHash, parseHash, readOldKeys, withLinkedDigit } from "./lib/url.js";

// Shared: tab, model, target (the class the backward pass starts from, in Network and Pooling),
// job, present (1: presentation mode, components/present.js), input (the code of the digit every
// view computes from, as the API gave it: last, it is ~1 KB). Each view's own: the stepper's
// conv, filter, at ("row,col"); the playground's kernel (a name or "RxC:values") and playground
// (its settings); the Pooling view's pool, map (its channel), window. The open guided lab and its
// step (lab, step: components/labbar.js) stay with every view. The sandbox's sb* keys, the Model
// view's arch and act, and the Train view's recipe are the ones issue 12's views agreed on.
export const URL_KEYS = [
  "tab", "model", "conv", "filter", "at", "kernel", "playground", "pool", "map", "window",
  "target", "job", "present", "lab", "step",
  "sbin", "sbkernel", "sbop", "sbpad", "sbstride", "sbdil", "sbflip", "sbpool", "sbgrad",
  "arch", "act", "recipe", "input",
];

export class Store extends EventTarget {
  constructor(initial = {}) {
    super();
    this.state = { ...initial };
  }

  /** Merge `patch` into the state; announce the keys whose values really changed. */
  set(patch) {
    const changed = new Set();
    for (const [key, value] of Object.entries(patch)) {
      if (this.state[key] !== value) {
        this.state[key] = value;
        changed.add(key);
      }
    }
    if (changed.size) this.dispatchEvent(new CustomEvent("change", { detail: { changed } }));
    return changed;
  }

  /** Call `listener(state, changed)` whenever one of `keys` (or any key, if none) changes. */
  watch(keys, listener) {
    const wanted = keys && keys.length ? new Set(keys) : null;
    this.addEventListener("change", (event) => {
      const { changed } = event.detail;
      if (!wanted || [...changed].some((key) => wanted.has(key))) listener(this.state, changed);
    });
  }
}

/** Keep `store`'s URL keys and `location.hash` in step. */
export function syncWithUrl(store, win = window) {
  // An old link's shared keys (layer, channel, row, col) are read as the keys of the tab it names;
  // a link's input becomes the digit (the page's own input changes only update the link).
  const read = () => withLinkedDigit(readOldKeys(parseHash(win.location.hash), store.state.tab), store.state);
  store.set(read());
  store.watch(URL_KEYS, (state, changed) => {
    const hash = formatHash(state, URL_KEYS);
    if (hash === win.location.hash) return;
    // A new tab is a new history entry (Back returns to the last view); moving within a view
    // (a layer, a position) only updates the link.
    const method = changed.has("tab") ? "pushState" : "replaceState";
    // The query is the page's own (`?class=CODE`: student mode), never the link's state: kept.
    win.history[method](null, "", hash || win.location.pathname + win.location.search);
  });
  win.addEventListener("hashchange", () => store.set(read()));
}
