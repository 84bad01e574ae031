// The header's model picker: every model in two groups, bundled and yours, each named as the
// server names it (its label, or the name a user gave it) with its accuracy on its classes; the
// label, read with it, when a user's name hides what the model is; and the button that opens the
// Models panel (rename, delete, export, import).
import { modelGroups, optionText, whatItIs } from "../lib/modellist.js";
import { el } from "./dom.js";

/** Wire the picker in `root` (the page's header): `[data-model-picker]` (the select),
 * `[data-model-info]` and `[data-models-open]` (the panel's button). */
export function mountModelPicker(store, root) {
  const select = root.querySelector("[data-model-picker]");
  const info = root.querySelector("[data-model-info]");
  const manage = root.querySelector("[data-models-open]");

  function render(state) {
    select.replaceChildren(...modelOptions(state.models));
    select.value = state.model || "";
    const current = state.models.find((m) => m.id === state.model);
    info.textContent = whatItIs(current);
    select.title = current ? optionText(current) : ""; // the whole text, when the header cuts it
  }

  store.watch(["models", "model"], render);
  render(store.state);
  select.addEventListener("change", () => store.set({ model: select.value }));
  // The panel's code is loaded the first time it is opened.
  manage.addEventListener("click", async () => {
    const { openModelsPanel } = await import("./models.js");
    openModelsPanel(store, manage);
  });
}

/** The picker's options for `models`: bundled and yours in two groups, each named as the server
 * names it. Every model select on the page is filled from here (the class panel's class model). */
export function modelOptions(models) {
  return modelGroups(models).map((group) =>
    el("optgroup", { label: group.title },
      ...group.models.map((m) => el("option", { value: m.id, text: optionText(m) }))));
}
