// The Train view's form: the network (a preset, or the layer builder), the dataset (with a
// download when its training split is missing), the classes, the training settings.
import * as api from "../../api.js";
import { grouped, percent } from "../../lib/format.js";
import { firstError, layerShapes, starterLayers } from "../../lib/shapes.js";
import { formProblems } from "../../lib/trainform.js";
import { AUGMENTATION } from "../../lib/trainrun.js";
import { el as h, showErrorIn } from "../../components/dom.js";
import { renderBuilder } from "./builder.js";

const PRESETS = [
  ["simple", "simple: 8 filters 3×3, pool, dense (fastest)"],
  ["lenet5", "LeNet-5: two conv blocks, three dense layers"],
  ["tinyvgg", "Tiny VGG: four 3×3 convs of 10 filters"],
  ["custom", "custom: build it layer by layer"],
];
const OPTIMIZERS = ["adam", "sgd", "rmsprop", "adagrad"];

/** The form's values before the user changes any. */
export const DEFAULTS = {
  model: "simple", dataset: "mnist", classes: [0, 1], train_size: 500, optimizer: "adam",
  lr: 0.001, batch_size: 32, epochs: 1, seed: 0, augmentation: false, layers: starterLayers(2),
};

function field(label, input, note) {
  return h("label", { class: "field" }, h("span", { class: "field-label", text: label }), input, note || null);
}

/**
 * The form for the values in `form` (changed in place; `save()` keeps them in the store).
 * Returns { element, load() (lists the datasets), check() (a message when the run cannot start),
 * showError(message) }.
 */
export function setupForm(form, { save }) {
  let datasets = [];
  const element = h("form", { class: "panel train-form", "data-train-form": true, "aria-labelledby": "train-form-title", novalidate: true });

  function numberInput(name, { min, max, step = 1 } = {}) {
    const input = h("input", { type: "number", name, min, max, step, value: String(form[name]), inputmode: step === 1 ? "numeric" : "decimal" });
    input.addEventListener("input", () => {
      const v = Number(input.value);
      form[name] = input.value === "" ? null : v;
      save();
    });
    return input;
  }

  const modelSelect = h("select", { name: "model" }, ...PRESETS.map(([v, t]) => h("option", { value: v, text: t })));
  modelSelect.value = form.model;
  const builder = h("div", { class: "builder", "data-layer-builder": true });
  const datasetSelect = h("select", { name: "dataset" });
  const datasetNote = h("p", { class: "dataset-note", "data-dataset-note": true, hidden: true });
  const classBox = h("fieldset", { class: "classes", "data-classes": true });
  const optimizerSelect = h("select", { name: "optimizer" }, ...OPTIMIZERS.map((o) => h("option", { value: o, text: o })));
  optimizerSelect.value = form.optimizer;
  const augment = h("input", { type: "checkbox", name: "augmentation" });
  augment.checked = Boolean(form.augmentation);
  const formError = h("div", { class: "error form-error", role: "alert", "data-train-error": true, hidden: true });

  element.append(
    h("h2", { id: "train-form-title", text: "Set up a run" }),
    field("Network", modelSelect), builder,
    field("Dataset", datasetSelect), datasetNote,
    classBox,
    h("div", { class: "grid2" },
      field("Training digits", numberInput("train_size", { min: 1 })),
      field("Epochs", numberInput("epochs", { min: 1, max: 1000 })),
      field("Batch size", numberInput("batch_size", { min: 1, max: 512 })),
      field("Learning rate", numberInput("lr", { min: 0, step: "any" })),
      field("Optimizer", optimizerSelect),
      field("Seed", numberInput("seed", { min: 0 }))),
    h("label", { class: "check" }, augment, h("span", { text: `Augmentation: random rotation ±${AUGMENTATION.rotation}° and shift ±${AUGMENTATION.shift} px` })),
    formError);

  const showError = (message) => showErrorIn(formError, message ? { message } : null);
  const currentDataset = () => datasets.find((d) => d.name === form.dataset);
  const classCount = () => (form.classes ? form.classes.length : (currentDataset()?.classes.length || 10));
  const drawBuilder = () => renderBuilder(builder, form, { save, classes: classCount });

  modelSelect.addEventListener("change", () => { form.model = modelSelect.value; save(); drawBuilder(); });
  optimizerSelect.addEventListener("change", () => { form.optimizer = optimizerSelect.value; save(); });
  augment.addEventListener("change", () => { form.augmentation = augment.checked; save(); });
  datasetSelect.addEventListener("change", () => { form.dataset = datasetSelect.value; save(); renderDataset(); });

  function renderDataset() {
    const info = currentDataset();
    const names = info ? info.classes : Array.from({ length: 10 }, (_, i) => String(i));
    const chosen = new Set(form.classes || names.map((_, i) => i));
    const boxes = names.map((name, i) => {
      const box = h("input", { type: "checkbox", name: "class", value: String(i) });
      box.checked = chosen.has(i);
      box.addEventListener("change", () => {
        const picked = [...classBox.querySelectorAll('input[name="class"]')].filter((b) => b.checked).map((b) => Number(b.value));
        setClasses(picked.length === names.length ? null : picked, false);
      });
      return h("label", { class: "class-box" }, box, h("span", { text: name }));
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
          done: async () => { datasets = await api.listDatasets(); renderDataset(); },
          error: (e) => { button.textContent = "Download failed"; showError(e && e.message); },
        });
      } catch (error) {
        showError(error.message);
        button.disabled = false;
      }
    });
    return button;
  }

  function setClasses(classes, rerender) {
    form.classes = classes;
    const k = classCount();
    const last = form.layers[form.layers.length - 1];
    if (last && last.type === "Dense") form.layers = [...form.layers.slice(0, -1), { ...last, out_features: k }];
    save();
    if (rerender) renderDataset();
    drawBuilder();
  }

  drawBuilder();
  renderDataset();

  return {
    element, showError,
    /** List the datasets (GET /api/datasets) and offer them. */
    load() {
      api.listDatasets().then((list) => {
        datasets = list;
        if (!datasets.some((d) => d.name === form.dataset) && datasets.length) form.dataset = datasets[0].name;
        datasetSelect.replaceChildren(...datasets.map((d) => h("option", { value: d.name, text: d.title })));
        datasetSelect.value = form.dataset;
        renderDataset();
      }).catch((error) => showError(`The datasets cannot be listed: ${error.message}`));
    },
    /** Why the run cannot start as set up (null when it can). */
    check() {
      const problems = formProblems(form);
      if (problems.length) return problems.join(" ");
      if (form.model === "custom") {
        const bad = firstError(layerShapes(form.layers, [1, 28, 28], classCount()));
        if (bad >= 0) return `Layer ${bad + 1} does not fit; fix it before starting.`;
      }
      return null;
    },
  };
}
