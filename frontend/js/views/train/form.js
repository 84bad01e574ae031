// The Train view's form: the network (one of the server's presets, or the layer builder), the
// dataset (with a download when its training split is missing), the classes, the training
// settings, the watch pace and the layer to watch. The presets and optimizers are the
// catalogue's (GET /api/catalogue); what the run would be, and what stops it, the server's plan
// (views/train/plan.js), whose problems are shown beside their fields.
import * as api from "../../api.js";
import { catalogue } from "../../shell.js";
import { CUSTOM, known, networkChoices, optimizerChoices } from "../../lib/catalogue.js";
import { grouped, percent } from "../../lib/format.js";
import { starterLayers } from "../../lib/layers.js";
import { availableText, fieldMessages, probeChoices } from "../../lib/trainplan.js";
import { AUGMENTATION, runBody } from "../../lib/trainrun.js";
import { el as h, showErrorIn } from "../../components/dom.js";
import { layerBuilder } from "./builder.js";
import { planBox } from "./plan.js";

/** The form's values before the user changes any: a run of two digits that lasts about 40 s at
 * its watch pace of 2 steps a second (80 steps), long enough for a class to watch it learn. */
export const DEFAULTS = {
  model: "simple", dataset: "mnist", classes: [0, 1], train_size: 500, optimizer: "adam",
  lr: 0.001, batch_size: 32, epochs: 5, seed: 0, augmentation: false, layers: starterLayers(2),
  steps_per_second: 2, fast: false, probe_layer: "",
};

/**
 * The form for the values in `form` (changed in place; `save()` keeps them in the store).
 * Returns { element, load() (lists the networks, optimizers and datasets), check() (a message
 * when the layers stop the run), body() (the request POST /api/train gets), planNow() (the
 * server's plan of it, asked at once), showProblems(detail) ({fields, problems}: beside each
 * field, the rest below the form), showError(message) }.
 */
export function setupForm(form, { save }) {
  let datasets = [];
  let networks = []; // networkChoices() of the catalogue, once it has arrived
  const element = h("form", { class: "panel train-form", "data-train-form": true, "aria-labelledby": "train-form-title", novalidate: true });
  const errors = {}; // field name -> {error, input}: where that field's problem is shown

  /** The place for the problem of field `name` (the request's), about `input`. */
  function errorFor(name, input) {
    const error = h("span", { class: "field-error", id: `train-error-${name}`, "data-field-error": name, hidden: true });
    errors[name] = { error, input };
    return error;
  }

  /** A labelled input, its notes and the place for its problem. */
  function field(label, input, name, ...notes) {
    return h("div", { class: "field" }, h("label", {}, h("span", { class: "field-label", text: label }), input), ...notes, errorFor(name, input));
  }

  function changed() {
    save();
    plan.soon();
  }

  function numberInput(name, { min, max, step = 1 } = {}) {
    const input = h("input", { type: "number", name, min, max, step, value: String(form[name] ?? ""), inputmode: step === 1 ? "numeric" : "decimal" });
    input.addEventListener("input", () => {
      const v = Number(input.value);
      form[name] = input.value === "" ? null : v;
      changed();
    });
    return input;
  }

  // Until the catalogue arrives each list holds the form's value only, and is disabled.
  const waiting = (name, value) => h("select", { name, disabled: true }, h("option", { value, text: `${value} (loading the list…)` }));
  const modelSelect = waiting("model", form.model);
  const networkNote = h("p", { class: "muted network-note", "data-network-note": true });
  // Once the layers fit, the form's message that they did not goes (any other message stays).
  let builderProblemShown = false;
  const builder = layerBuilder(form, { save, classes: () => classCount(), fits: () => { if (builderProblemShown) showError(null); plan.soon(); } });
  const datasetSelect = h("select", { name: "dataset" });
  const datasetNote = h("p", { class: "dataset-note", "data-dataset-note": true, hidden: true });
  const classBox = h("fieldset", { class: "classes", "data-classes": true });
  const classError = errorFor("classes", classBox);
  const optimizerSelect = waiting("optimizer", form.optimizer);
  const augment = h("input", { type: "checkbox", name: "augmentation" });
  augment.checked = Boolean(form.augmentation);
  const paceInput = numberInput("steps_per_second", { min: "0.1", step: "any" });
  paceInput.id = "train-pace";
  const fast = h("input", { type: "checkbox", name: "fast", "data-train-fast": true });
  fast.checked = Boolean(form.fast);
  paceInput.disabled = fast.checked;
  const probeSelect = h("select", { name: "probe_layer", "data-probe-layer": true }, h("option", { value: "", text: "the first convolution" }));
  const available = h("p", { class: "muted field-note", "data-train-available": true });
  const formError = h("div", { class: "error form-error", role: "alert", "data-train-error": true, hidden: true });
  const plan = planBox({ body: () => body(), onPlan: (answer) => { showPlan(answer); showProblems(answer); } });

  element.append(
    h("h2", { id: "train-form-title", text: "Set up a run" }),
    field("Network", modelSelect, "model"), networkNote, builder.element,
    field("Dataset", datasetSelect, "dataset"), datasetNote,
    classBox, classError,
    field("Training digits", numberInput("train_size", { min: 1 }), "train_size", available),
    h("div", { class: "grid2" },
      field("Epochs", numberInput("epochs", { min: 1 }), "epochs"),
      field("Batch size", numberInput("batch_size", { min: 1 }), "batch_size"),
      field("Learning rate", numberInput("lr", { min: 0, step: "any" }), "lr"),
      field("Optimizer", optimizerSelect, "optimizer"),
      field("Seed", numberInput("seed", { min: 0 }), "seed")),
    h("div", { class: "field" },
      h("label", { class: "field-label", for: "train-pace", text: "Pace (steps a second)" }),
      h("div", { class: "pace" }, paceInput, h("label", { class: "check" }, fast, h("span", { text: "As fast as possible" }))),
      errorFor("steps_per_second", paceInput)),
    h("label", { class: "check" }, augment, h("span", { text: `Augmentation: random rotation ±${AUGMENTATION.rotation}° and shift ±${AUGMENTATION.shift} px` })),
    field("Watch layer (its output for one digit, live)", probeSelect, "probe_layer"),
    h("h3", { class: "plan-title", text: "This run" }), plan.element,
    formError);

  const showError = (message) => {
    builderProblemShown = Boolean(message) && form.model === CUSTOM && message === builder.problem();
    showErrorIn(formError, message ? { message } : null);
  };
  const currentDataset = () => datasets.find((d) => d.name === form.dataset);
  const classCount = () => (form.classes ? form.classes.length : (currentDataset()?.classes.length || 10));
  const drawBuilder = () => builder.draw();
  /** The request for these values; null while a built network is still being checked. */
  const body = () => (form.model === CUSTOM && !builder.spec() ? null : runBody(form, builder.spec()));

  /** Each field's problem beside it (after its label's words), the others below the form. */
  function showProblems({ fields = {}, problems = [] } = {}) {
    const { byField, others } = fieldMessages(fields);
    for (const [name, { error, input }] of Object.entries(errors)) {
      const message = byField[name] || byField[name === "model" ? "spec" : name];
      error.hidden = !message;
      error.textContent = message || "";
      if (message) { input.setAttribute("aria-invalid", "true"); input.setAttribute("aria-describedby", error.id); }
      else { input.removeAttribute("aria-invalid"); input.removeAttribute("aria-describedby"); }
    }
    const rest = Object.keys(fields).length ? others : problems;
    if (rest.length) showError(rest.join(" "));
    else if (!builderProblemShown) showError(null);
  }

  /** What the server has for these classes, and the layers this network lets the probe show. */
  function showPlan(answer) {
    const text = availableText(answer);
    available.textContent = text || "";
    available.hidden = !text;
    if (!answer.layers || !answer.layers.length) return;
    const choices = probeChoices(answer);
    const server = answer.probe_layer ? ` (here ${answer.probe_layer})` : "";
    probeSelect.replaceChildren(h("option", { value: "", text: `the first convolution${server}` }), ...choices.map((c) => h("option", { value: c.value, text: c.text })));
    if (form.probe_layer && !choices.some((c) => c.value === form.probe_layer)) { form.probe_layer = ""; save(); }
    probeSelect.value = form.probe_layer || "";
  }

  const describeNetwork = () => { networkNote.textContent = networks.find((n) => n.value === form.model)?.note || ""; };
  modelSelect.addEventListener("change", () => { form.model = modelSelect.value; changed(); describeNetwork(); drawBuilder(); });
  optimizerSelect.addEventListener("change", () => { form.optimizer = optimizerSelect.value; changed(); });
  augment.addEventListener("change", () => { form.augmentation = augment.checked; changed(); });
  datasetSelect.addEventListener("change", () => { form.dataset = datasetSelect.value; changed(); renderDataset(); });
  fast.addEventListener("change", () => { form.fast = fast.checked; paceInput.disabled = fast.checked; changed(); });
  probeSelect.addEventListener("change", () => { form.probe_layer = probeSelect.value; changed(); });

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
    changed();
    if (rerender) renderDataset();
    drawBuilder();
  }

  drawBuilder();
  renderDataset();

  return {
    element, showError, showProblems, body,
    planNow: () => plan.now(),
    /** Offer the catalogue's networks and optimizers, and the datasets (GET /api/datasets). */
    load() {
      catalogue().then((listed) => {
        networks = networkChoices(listed);
        offer(modelSelect, "model", networks);
        offer(optimizerSelect, "optimizer", optimizerChoices(listed));
        describeNetwork();
        drawBuilder();
        plan.soon();
      }).catch((error) => showError(`The networks and optimizers cannot be listed: ${error.message}`));
      api.listDatasets().then((list) => {
        datasets = list;
        if (!datasets.some((d) => d.name === form.dataset) && datasets.length) form.dataset = datasets[0].name;
        datasetSelect.replaceChildren(...datasets.map((d) => h("option", { value: d.name, text: d.title })));
        datasetSelect.value = form.dataset;
        renderDataset();
      }).catch((error) => showError(`The datasets cannot be listed: ${error.message}`));
    },
    /** Why the layers stop the run (null when they do not, or the network is a preset). */
    check() {
      return form.model === CUSTOM ? builder.problem() : null;
    },
  };
}
