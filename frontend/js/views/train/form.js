// The Train view's form: the network (one of the server's presets, or the layer builder), the
// data (dataset, classes, the training and test subsets), the loss, the optimizer and its
// settings, the training settings, the watch pace and the layer to watch. The presets and
// optimizers are the catalogue's (GET /api/catalogue); what the run would be, and what stops it,
// the server's plan (views/train/plan.js), whose problems are shown beside their fields.
import { catalogue } from "../../shell.js";
import { CUSTOM, known, networkChoices, optimizerChoices } from "../../lib/catalogue.js";
import { headOutputs, starterLayers, withHead } from "../../lib/layers.js";
import { availableText, fieldMessages, probeChoices } from "../../lib/trainplan.js";
import { groupsBody, kwargsBody, optimizerArguments, weightedLayers } from "../../lib/trainoptions.js";
import { AUGMENTATION, runBody } from "../../lib/trainrun.js";
import { el as h, showErrorIn } from "../../components/dom.js";
import { layerBuilder } from "./builder.js";
import { datasetSection } from "./dataset.js";
import { fieldKit } from "./fields.js";
import { optimizerOptions } from "./options.js";
import { planBox } from "./plan.js";

/** The form's values before the user changes any: a run of two digits that lasts about 40 s at
 * its watch pace of 2 steps a second (80 steps), long enough for a class to watch it learn. */
export const DEFAULTS = {
  model: "simple", dataset: "mnist", classes: [0, 1], train_size: 500, optimizer: "adam",
  lr: 0.001, batch_size: 32, epochs: 5, seed: 0, augmentation: false, layers: starterLayers(2),
  sigmoid_head: false, optimizer_kwargs: {}, param_groups: [], loss: "cross_entropy",
  train_subset: "stratified", test_size: null, test_subset: "stratified", keep_best: false,
  steps_per_second: 2, fast: false, probe_layer: "", extra: {},
};

/**
 * The form for the values in `form` (changed in place; `save()` keeps them in the store), with
 * `top` (e.g. the notebook set-ups) under its title.
 * Returns { element, load() (lists the networks, optimizers and datasets), check() (a message
 * when the layers stop the run), body() (the request POST /api/train gets), planNow() (the
 * server's plan of it, asked at once), showProblems(detail) ({fields, problems}: beside each
 * field, the rest below the form), showError(message), stop() (asks the server nothing more:
 * the form is being replaced) }.
 */
export function setupForm(form, { save, top = null }) {
  let networks = []; // networkChoices() of the catalogue, once it has arrived
  let listed = null; // the catalogue
  const element = h("form", { class: "panel train-form", "data-train-form": true, "aria-labelledby": "train-form-title", novalidate: true });
  const changed = () => { save(); plan.soon(); };
  const kit = fieldKit(form, changed);
  const { errors, errorFor, field, numberInput, choiceInput, checkInput } = kit;

  // Until the catalogue arrives each list holds the form's value only, and is disabled.
  const waiting = (name, value) => h("select", { name, disabled: true }, h("option", { value, text: `${value} (loading the list…)` }));
  const modelSelect = waiting("model", form.model);
  const networkNote = h("p", { class: "muted network-note", "data-network-note": true });
  // Once the layers fit, the form's message that they did not goes (any other message stays).
  let builderProblemShown = false;
  const data = datasetSection(form, kit, {
    changed, showError: (message) => showError(message),
    onClasses: () => { form.layers = withHead(form.layers, headOutputs(data.classCount(), form.sigmoid_head)); builder.draw(); },
  });
  const builder = layerBuilder(form, {
    save, classes: () => data.classCount(), layerTypes: () => (listed ? listed.layer_types : []),
    fits: () => { if (builderProblemShown) showError(null); plan.soon(); },
  });
  const optimizerSelect = waiting("optimizer", form.optimizer);
  const options = optimizerOptions(form, kit, { changed });
  const paceInput = numberInput("steps_per_second", { min: "0.1", step: "any" });
  paceInput.id = "train-pace";
  const fast = h("input", { type: "checkbox", name: "fast", "data-train-fast": true });
  fast.checked = Boolean(form.fast);
  paceInput.disabled = fast.checked;
  const probeSelect = h("select", { name: "probe_layer", "data-probe-layer": true }, h("option", { value: "", text: "the first convolution" }));
  const available = h("p", { class: "muted field-note", "data-train-available": true });
  const formError = h("div", { class: "error form-error", role: "alert", "data-train-error": true, hidden: true });
  const plan = planBox({ body: () => body(), onPlan: (answer) => { showPlan(answer); showProblems(answer); } });
  const subsets = [["stratified", "stratified random"], ["first", "the first N"]];
  const testSize = numberInput("test_size", { min: 1, placeholder: "all" });

  element.append(
    h("h2", { id: "train-form-title", text: "Set up a run" }), top,
    field("Network", modelSelect, "model"), networkNote, builder.element,
    ...data.elements,
    h("div", { class: "grid2" },
      field("Training digits", numberInput("train_size", { min: 1 }), "train_size"),
      field("Training subset", choiceInput("train_subset", subsets), "train_subset")),
    available,
    h("div", { class: "grid2" },
      field("Test digits (empty: all)", testSize, "test_size"),
      field("Test subset", choiceInput("test_subset", subsets), "test_subset")),
    h("div", { class: "grid2" },
      field("Epochs", numberInput("epochs", { min: 1 }), "epochs"),
      field("Batch size", numberInput("batch_size", { min: 1 }), "batch_size"),
      field("Learning rate", numberInput("lr", { min: 0, step: "any" }), "lr"),
      field("Optimizer", optimizerSelect, "optimizer"),
      field("Loss", choiceInput("loss", [["cross_entropy", "cross-entropy"], ["mse", "MSE (squared error)"]]), "loss"),
      field("Seed", numberInput("seed", { min: 0 }), "seed")),
    options.element,
    checkInput("keep_best", "Keep the best epoch: save the weights of the epoch with the best validation accuracy"),
    h("div", { class: "field" },
      h("label", { class: "field-label", for: "train-pace", text: "Pace (steps a second)" }),
      h("div", { class: "pace" }, paceInput, h("label", { class: "check" }, fast, h("span", { text: "As fast as possible" }))),
      errorFor("steps_per_second", paceInput)),
    checkInput("augmentation", `Augmentation: random rotation ±${AUGMENTATION.rotation}° and shift ±${AUGMENTATION.shift} px`),
    field("Watch layer (its output for one digit, live)", probeSelect, "probe_layer"),
    h("h3", { class: "plan-title", text: "This run" }), plan.element,
    formError);

  const showError = (message) => {
    builderProblemShown = Boolean(message) && form.model === CUSTOM && message === builder.problem();
    showErrorIn(formError, message ? { message } : null);
  };
  /** The request for these values; null while a built network is still being checked. */
  function body() {
    if (form.model === CUSTOM && !builder.spec()) return null;
    const args = optimizerArguments(listed && listed.optimizers, form.optimizer);
    return runBody(form, builder.spec(), { kwargs: kwargsBody(args, form.optimizer_kwargs), groups: groupsBody(form.param_groups) });
  }

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
    options.setLayers(weightedLayers(answer));
    const choices = probeChoices(answer);
    const server = answer.probe_layer ? ` (here ${answer.probe_layer})` : "";
    probeSelect.replaceChildren(h("option", { value: "", text: `the first convolution${server}` }), ...choices.map((c) => h("option", { value: c.value, text: c.text })));
    if (form.probe_layer && !choices.some((c) => c.value === form.probe_layer)) { form.probe_layer = ""; save(); }
    probeSelect.value = form.probe_layer || "";
  }

  const describeNetwork = () => { networkNote.textContent = networks.find((n) => n.value === form.model)?.note || ""; };
  modelSelect.addEventListener("change", () => { form.model = modelSelect.value; changed(); describeNetwork(); builder.draw(); });
  optimizerSelect.addEventListener("change", () => { form.optimizer = optimizerSelect.value; options.optimizerChanged(); changed(); });
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

  builder.draw();
  data.render();

  return {
    element, showError, showProblems, body,
    planNow: () => plan.now(),
    stop() { plan.stop(); builder.stop(); },
    /** Offer the catalogue's networks and optimizers, and the datasets (GET /api/datasets). */
    load() {
      catalogue().then((answer) => {
        listed = answer;
        networks = networkChoices(listed);
        offer(modelSelect, "model", networks);
        offer(optimizerSelect, "optimizer", optimizerChoices(listed));
        options.render(listed.optimizers);
        describeNetwork();
        builder.draw();
        plan.soon();
      }).catch((error) => showError(`The networks and optimizers cannot be listed: ${error.message}`));
      data.load();
    },
    /** Why the layers stop the run (null when they do not, or the network is a preset). */
    check() {
      return form.model === CUSTOM ? builder.problem() : null;
    },
  };
}
