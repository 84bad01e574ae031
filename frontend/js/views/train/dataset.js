// The Train form's data section: the dataset (with a download when its training split is
// missing) and the classes to learn, with quick picks; each class box says how many training
// images the server has of it.
import * as api from "../../api.js";
import { grouped, percent } from "../../lib/format.js";
import { el as h } from "../../components/dom.js";

/**
 * The section for `form.dataset` and `form.classes` (null: all). `kit` is the form's fieldKit;
 * `changed()` after each change, `onClasses()` after the classes changed, `showError(message)`.
 * Returns { elements (to append), classCount(), render(), load() (GET /api/datasets) }.
 */
export function datasetSection(form, kit, { changed, onClasses, showError }) {
  let datasets = [];
  const datasetSelect = h("select", { name: "dataset" });
  const datasetNote = h("p", { class: "dataset-note", "data-dataset-note": true, hidden: true });
  const classBox = h("fieldset", { class: "classes", "data-classes": true });
  const classError = kit.errorFor("classes", classBox);
  const current = () => datasets.find((d) => d.name === form.dataset);
  const classCount = () => (form.classes ? form.classes.length : (current()?.classes.length || 10));

  datasetSelect.addEventListener("change", () => { form.dataset = datasetSelect.value; changed(); render(); });

  function setClasses(classes, rerender) {
    form.classes = classes;
    onClasses();
    changed();
    if (rerender) render();
  }

  function render() {
    const info = current();
    const names = info ? info.classes : Array.from({ length: 10 }, (_, i) => String(i));
    const chosen = new Set(form.classes || names.map((_, i) => i));
    const boxes = names.map((name, i) => {
      const box = h("input", { type: "checkbox", name: "class", value: String(i) });
      box.checked = chosen.has(i);
      box.addEventListener("change", () => {
        const picked = [...classBox.querySelectorAll('input[name="class"]')].filter((b) => b.checked).map((b) => Number(b.value));
        setClasses(picked.length === names.length ? null : picked, false);
      });
      const count = info && info.splits.train && info.splits.train.class_counts;
      return h("label", { class: "class-box", title: count ? `${grouped(count[i])} training images on the server` : null }, box, h("span", { text: name }));
    });
    const quick = [
      [`${names[0]} vs ${names[1]}`, [0, 1], "two"],
      [`${names[0]}, ${names[1]}, ${names[2]}`, [0, 1, 2], "three"],
      [`all ${names.length}`, null, "all"],
    ].map(([text, classes, key]) => {
      const b = h("button", { type: "button", "data-classes-quick": key, text });
      b.addEventListener("click", () => setClasses(classes, true));
      return b;
    });
    classBox.replaceChildren(h("legend", { text: "Classes to learn" }), h("div", { class: "row quick" }, ...quick), h("div", { class: "class-boxes" }, ...boxes));
    if (!info) { datasetNote.hidden = true; return; }
    const train = info.splits.train;
    datasetNote.hidden = Boolean(train && train.present);
    if (!datasetNote.hidden) {
      datasetNote.replaceChildren(
        h("strong", { text: `The training split of ${info.title} is not on the server. ` }),
        "Download it on the server with ", h("code", { text: `cnnviz data download ${info.name}` }), ", or here: ",
        downloadButton(info));
    } else if (train.count < train.expected) {
      datasetNote.hidden = false;
      datasetNote.className = "dataset-note muted";
      datasetNote.textContent = `${grouped(train.count)} of ${grouped(train.expected)} training images are on the server.`;
    }
  }

  function downloadButton(info) {
    const button = h("button", { type: "button", text: info.downloading ? "Downloading…" : "Download now", disabled: info.downloading });
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await api.downloadDataset(info.name);
        api.followDownload(info.name, {
          progress: (e) => { button.textContent = `Downloading ${e.file}: ${percent(e.total ? e.done / e.total : 0, 0)}`; },
          done: async () => { datasets = await api.listDatasets(); render(); },
          error: (e) => { button.textContent = "Download failed"; showError(e && e.message); },
        });
      } catch (error) {
        showError(error.message);
        button.disabled = false;
      }
    });
    return button;
  }

  return {
    elements: [kit.field("Dataset", datasetSelect, "dataset"), datasetNote, classBox, classError],
    classCount, render,
    load() {
      api.listDatasets().then((list) => {
        datasets = list;
        if (!datasets.some((d) => d.name === form.dataset) && datasets.length) form.dataset = datasets[0].name;
        datasetSelect.replaceChildren(...datasets.map((d) => h("option", { value: d.name, text: d.title })));
        datasetSelect.value = form.dataset;
        render();
      }).catch((error) => showError(`The datasets cannot be listed: ${error.message}`));
    },
  };
}
