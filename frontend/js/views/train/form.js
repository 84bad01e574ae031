// The Train view's form: the network (one of the server's presets, or the layer builder), the
// dataset (with a download when its training split is missing), the classes, the training
// settings. The presets and optimizers are the catalogue's (GET /api/catalogue).
import * as api from "../../api.js";
import { catalogue } from "../../shell.js";
import { CUSTOM, known, networkChoices, optimizerChoices } from "../../lib/catalogue.js";
import { grouped, percent } from "../../lib/format.js";
import { starterLayers } from "../../lib/layers.js";
import { formProblems } from "../../lib/trainform.js";
import { AUGMENTATION } from "../../lib/trainrun.js";
import { el as h, showErrorIn } from "../../components/dom.js";
import { layerBuilder } from "./builder.js";

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
 * Returns { element, load() (lists the networks, optimizers and datasets), check() (a message
 * when the run cannot start), spec() (the built layers as the server checked them, for a custom
 * network), showError(message) }.
 */
export function setupForm(form, { save }) {
  let datasets = [];
  let networks = []; // networkChoices() of the catalogue, once it has arrived
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

  // Until the catalogue arrives each list holds the form's value only, and is disabled.
  const waiting = (name, value) => h("select", { name, disabled: true }, h("option", { value, text: `${value} (loading the list…)` }));
  const modelSelect = waiting("model", form.model);
  const networkNote = h("p", { class: "muted network-note", "data-network-note": true });
  // Once the layers fit, the form's message that they did not goes (any other message stays).
  let builderProblemShown = false;
  const builder = layerBuilder(form, { save, classes: () => classCount(), fits: () => { if (builderProblemShown) showError(null); } });
  const datasetSelect = h("select", { name: "dataset" });
  const datasetNote = h("p", { class: "dataset-note", "data-dataset-note": true, hidden: true });
  const classBox = h("fieldset", { class: "classes", "data-classes": true });
  const optimizerSelect = waiting("optimizer", form.optimizer);
  const augment = h("input", { type: "checkbox", name: "augmentation" });
  augment.checked = Boolean(form.augmentation);
  const formError = h("div", { class: "error form-error", role: "alert", "data-train-error": true, hidden: true });

  element.append(
    h("h2", { id: "train-form-title", text: "Set up a run" }),
    field("Network", modelSelect), networkNote, builder.element,
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

  const showError = (message) => {
    builderProblemShown = Boolean(message) && form.model === CUSTOM && message === builder.problem();
    showErrorIn(formError, message ? { message } : null);
  };
  const currentDataset = () => datasets.find((d) => d.name === form.dataset);
  const classCount = () => (form.classes ? form.classes.length : (currentDataset()?.classes.length || 10));
  const drawBuilder = () => builder.draw();

  const describeNetwork = () => { networkNote.textContent = networks.find((n) => n.value === form.model)?.note || ""; };
  modelSelect.addEventListener("change", () => { form.model = modelSelect.value; save(); describeNetwork(); drawBuilder(); });
  optimizerSelect.addEventListener("change", () => { form.optimizer = optimizerSelect.value; save(); });
  augment.addEventListener("change", () => { form.augmentation = augment.checked; save(); });
  datasetSelect.addEventListener("change", () => { form.dataset = datasetSelect.value; save(); renderDataset(); });

  /** Offer `choices` ({value, text, note}) in `select`, keeping `form[name]` when listed. */
  function offer(select, name, choices) {
    select.replaceChildren(...choices.map((c) => h("option", { value: c.value, text: c.text, title: c.note })));
    select.disabled = false;
    const value = known(form[name], choices);
    if (value !== form[name]) { form[name] = value; save(); }
    select.value = value;
  }

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
    spec: () => builder.spec(),
    /** Offer the catalogue's networks and optimizers, and the datasets (GET /api/datasets). */
    load() {
      catalogue().then((listed) => {
        networks = networkChoices(listed);
        offer(modelSelect, "model", networks);
        offer(optimizerSelect, "optimizer", optimizerChoices(listed));
        describeNetwork();
        drawBuilder();
      }).catch((error) => showError(`The networks and optimizers cannot be listed: ${error.message}`));
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
      return form.model === CUSTOM ? builder.problem() : null;
    },
  };
}
