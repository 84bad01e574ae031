// What every view shares: the one store, the live region, the error banner and the model list.
import * as api from "./api.js";
import { Store } from "./store.js";

export const store = new Store({ tab: "draw", model: null, models: [], digit: null });
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
  const current = store.state.model;
  const fallback = (models.find((m) => m.default) || models[0] || {}).id || null;
  store.set({ models, model: models.some((m) => m.id === current) ? current : fallback });
  return models;
}
