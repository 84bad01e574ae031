// What every view shares: the one store, the live region, the error banner and the model list.
import * as api from "./api.js";
import { exampleDigit } from "./components/strokes.js";
import { sameDigit } from "./lib/digit.js";
import { sharedRequests } from "./lib/shared.js";
import { Store } from "./store.js";

export const store = new Store({ tab: "draw", model: null, models: [], digit: null });

let example = null;

/** The digit every view works on: the drawing, or example 3 until there is one. The example is
 * made once, so a digit is always the same object and can key the caches below. */
export function currentDigit(state = store.state) {
  example ??= exampleDigit(3);
  return state.digit || example;
}

const descriptions = sharedRequests(); // model id -> GET /api/models/{id}
const catalogues = sharedRequests(); // one key: GET /api/catalogue

/** A model's description, fetched once per id until the model list is reloaded (a model's
 * layers never change under its id, but its name does when it is renamed). */
export const describeModel = (id) => descriptions.get(id, () => api.getModel(id));

/** What models can be built from (GET /api/catalogue), fetched once: it changes only when the
 * server does. */
export const catalogue = () => catalogues.get("catalogue", api.catalogue);

/** The class the backward pass starts from: the URL's `target` when it is one of the model's
 * classes (`info` from describeModel), else null, the predicted class. The Network and Pooling
 * views share it, so a link opens either on the same saliency. */
export function targetClass(state, info) {
  const last = info.layers[info.layers.length - 1];
  const count = last ? last.output_shape[0] : 0;
  const target = state.target;
  return Number.isInteger(target) && target >= 0 && target < count ? target : null;
}

// digit -> its traces, keyed `${model}|${target}`. Weak: a digit nobody shows any more is
// dropped with its traces (each is ~230 KB of JSON).
const traces = new WeakMap();

/** The trace of `digit` through model `id` from class `target` (null or undefined: the
 * predicted one), requested once and shared by the views that show it, also while the first
 * request is on its way; `signal` ends this caller's wait only. */
export function traceOf(id, digit, target, signal) {
  if (!traces.has(digit)) traces.set(digit, sharedRequests());
  const start = () => api.trace(id, digit, target).then((answer) => linkInput(digit, answer));
  return traces.get(digit).get(`${id}|${target ?? ""}`, start, signal);
}

/** The link's `input` follows the digit every view shows: `answer` (a prediction or trace of
 * `digit`) carries its code, which becomes `input` while `digit` is still the one on display.
 * Returns `answer`. */
export function linkInput(digit, answer) {
  if (answer.code && sameDigit(digit, currentDigit())) store.set({ input: answer.code });
  return answer;
}

/** Say `text` to screen readers (the page's polite live region). */
export function announce(text) {
  const region = document.querySelector("[data-announcer]");
  region.textContent = "";
  requestAnimationFrame(() => { region.textContent = text; });
}

/** Show an error the user must see (cleared with `showError(null)`). */
export function showError(message) {
  const banner = document.querySelector("[data-banner]");
  banner.hidden = !message;
  banner.textContent = message || "";
}

/** Reload the model list (after training or creating one); keeps the chosen model if it exists. */
export async function refreshModels() {
  const models = await api.listModels();
  descriptions.clear();
  const current = store.state.model;
  const fallback = (models.find((m) => m.default) || models[0] || {}).id || null;
  store.set({ models, model: models.some((m) => m.id === current) ? current : fallback });
  return models;
}
