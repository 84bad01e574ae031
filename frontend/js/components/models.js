// The Models panel, opened from the header beside the picker: every model with what it is and how
// well it does; rename and delete for yours (bundled models are part of the installation, so the
// server refuses both), export (the server's .npz download) for all, and import of an exported
// file. Each server answer, refusals included, is shown next to the control that asked; after a
// change the model list is reloaded, so the picker and this panel show the same models.
import * as api from "../api.js";
import { modelGroups, whatItIs } from "../lib/modellist.js";
import { announce, refreshModels } from "../shell.js";
import { el, showErrorIn } from "./dom.js";

let panel = null; // built on first open, then reused

/** Open the panel (a modal dialog); focus returns to `opener` when it closes. */
export function openModelsPanel(store, opener) {
  panel ??= modelsPanel(store);
  panel.open(opener);
}

function modelsPanel(store) {
  const list = el("div", { class: "models-list" });
  const close = el("button", { type: "button", text: "Close", "data-models-close": true });
  const importer = importSection(afterChange);
  const dialog = el("dialog", { class: "models-panel", "aria-labelledby": "models-title", "data-models-panel": true },
    el("div", { class: "models-head" }, el("h2", { id: "models-title", text: "Models" }), close),
    list, importer.section);
  document.body.append(dialog);

  let opener = null;
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => opener?.focus());

  /** A rename or a delete confirmation is open: a list arriving meanwhile (a training run
   * ending) waits, so what the user is typing is not thrown away. */
  const busy = () => Boolean(list.querySelector("[data-model-editing]"));
  store.watch(["models"], () => { if (dialog.open && !busy()) render(); });

  function render() {
    list.replaceChildren(...modelGroups(store.state.models).map((group) => {
      const id = `models-group-${group.title.toLowerCase()}`;
      return el("section", { class: "models-group", "aria-labelledby": id },
        el("h3", { id, text: group.title }),
        el("ul", { class: "models-rows" }, ...group.models.map(row)));
    }));
  }

  /** Reload the model list and redraw; `focusOn(id)` then says where the focus goes. */
  async function afterChange(message, focusOn) {
    await refreshModels();
    render();
    const target = focusOn && list.querySelector(focusOn);
    (target || close).focus();
    announce(message);
  }

  function row(model) {
    const error = el("p", { class: "error", role: "alert", hidden: true, "data-model-error": true });
    const actions = el("div", { class: "models-row-actions" });
    const item = el("li", { class: "models-row", "data-model-row": model.id },
      el("div", { class: "models-row-text" },
        el("span", { class: "models-row-name", "data-model-name": true, text: model.name }),
        el("span", { class: "muted", text: [whatItIs(model), model.accuracy_text].filter(Boolean).join(" · ") })),
      actions, error);
    const exportLink = el("a", {
      class: "button", href: api.exportUrl(model.id), download: `${model.id}.npz`,
      "aria-label": `Export ${model.name}`, "data-model-export": true, text: "Export",
    });

    function showActions() {
      delete item.dataset.modelEditing;
      if (model.builtin) {
        actions.replaceChildren(exportLink, el("span", { class: "muted", text: "Bundled: kept as installed" }));
        return;
      }
      const rename = el("button", { type: "button", text: "Rename", "aria-label": `Rename ${model.name}`, "data-model-rename": true });
      const remove = el("button", { type: "button", text: "Delete", "aria-label": `Delete ${model.name}`, "data-model-delete": true });
      rename.addEventListener("click", showRename);
      remove.addEventListener("click", showConfirm);
      actions.replaceChildren(rename, exportLink, remove);
    }

    function editing(...children) {
      item.dataset.modelEditing = "";
      showErrorIn(error, null);
      actions.replaceChildren(...children);
    }

    function showRename() {
      const input = el("input", { type: "text", value: model.name, "data-model-new-name": true });
      const cancel = el("button", { type: "button", text: "Cancel" });
      const form = el("form", { class: "models-rename" },
        el("label", {}, "New name", input),
        el("button", { type: "submit", class: "primary", text: "Save" }), cancel);
      cancel.addEventListener("click", () => { showActions(); focusIn("[data-model-rename]"); });
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        try {
          const renamed = await api.renameModel(model.id, input.value);
          await afterChange(`Renamed to ${renamed.name}`, `[data-model-row="${model.id}"] [data-model-rename]`);
        } catch (failure) {
          showErrorIn(error, failure);
        }
      });
      editing(form);
      input.focus();
      input.select();
    }

    function showConfirm() {
      const yes = el("button", { type: "button", class: "danger", text: "Delete for good", "data-model-confirm": true });
      const no = el("button", { type: "button", text: "Keep it" });
      no.addEventListener("click", () => { showActions(); focusIn("[data-model-delete]"); });
      yes.addEventListener("click", async () => {
        try {
          await api.deleteModel(model.id);
          await afterChange(`Deleted ${model.name}`, null);
        } catch (failure) {
          showErrorIn(error, failure);
        }
      });
      editing(el("span", { text: `Delete “${model.name}”? This cannot be undone.` }), yes, no);
      no.focus();
    }

    const focusIn = (selector) => actions.querySelector(selector)?.focus();
    showActions();
    return item;
  }

  return {
    open(from) {
      opener = from;
      render();
      importer.reset();
      dialog.showModal();
    },
  };
}

/** The import control: an .npz chosen is sent at once; the server's refusal is shown beside it. */
function importSection(afterChange) {
  const input = el("input", { type: "file", id: "models-import-file", accept: ".npz", "data-models-import": true });
  const error = el("p", { class: "error", role: "alert", hidden: true, "data-models-import-error": true });
  const status = el("p", { class: "muted", "data-models-import-status": true });
  const section = el("section", { class: "models-import", "aria-labelledby": "models-import-title" },
    el("h3", { id: "models-import-title", text: "Import a model" }),
    el("label", { for: "models-import-file", text: "A model file (.npz) exported from cnnviz" }),
    input, status, error);

  input.addEventListener("change", async () => {
    const file = input.files[0];
    if (!file) return;
    showErrorIn(error, null);
    status.textContent = `Uploading ${file.name}…`;
    try {
      const added = await api.importModel(file);
      await afterChange(`Imported ${added.name}`, `[data-model-row="${added.id}"] [data-model-rename]`);
      status.textContent = `Imported ${file.name} as “${added.name}”.`;
    } catch (failure) {
      status.textContent = "";
      showErrorIn(error, failure);
    } finally {
      input.value = "";
    }
  });

  return {
    section,
    reset() {
      status.textContent = "";
      showErrorIn(error, null);
    },
  };
}
