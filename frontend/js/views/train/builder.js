// The Train view's layer builder (the "custom" network): the input scaling, one row per layer
// with its settings and output shape (move, remove, add, start over), and the one-sigmoid-output
// head when two classes are chosen. The server checks the layers as they are built
// (POST /api/models/check, 250 ms after the last change, only the latest answer counts): the
// shapes and the message beside the layer that does not fit are its.
import * as api from "../../api.js";
import {
  LAYER_KINDS, argumentDefaults, defaultLayer, headOutputs, initChoices, inputScaling, layerStates, moved,
  starterLayers, toSpec, withHead, withScaling,
} from "../../lib/layers.js";
import { CUSTOM } from "../../lib/catalogue.js";
import { latestOnly, throttledRequests } from "../../lib/scheduler.js";
import { el as h, isAbort } from "../../components/dom.js";
import { layerRow } from "./layerrow.js";

/** Parameter slots a row's line holds; a row with more settings takes two lines. */
const PARAM_SLOTS = 3;
/** How long after the last change the layers are sent to be checked (ms). */
const CHECK_DELAY = 250;

/** The builder for `form.layers` (shown only when `form.model` is "custom"); each change replaces
 * `form.layers`, calls `save()` and draws the builder again. `classes()` is the number of outputs
 * the run learns (the last layer's outputs follow it, and `form.sigmoid_head`); `layerTypes()`
 * the catalogue's layer types (for the initializers); `fits()` is called when the server finds
 * the layers fit. Returns `{element, draw(), stop(), problem(), spec()}`: `problem()` is why a
 * run cannot start with these layers (null when the server found they fit), `spec()` the spec it
 * checked (in_channels and in_features filled in), for POST /api/train. */
export function layerBuilder(form, { save, classes, layerTypes = () => [], fits = () => {} }) {
  const element = h("div", { class: "builder", "data-layer-builder": true });
  const latest = latestOnly();
  const pace = throttledRequests(ask, { interval: CHECK_DELAY, debounce: CHECK_DELAY });
  let answer = null; // null while a check is on its way, else {checked} or {fault}

  async function ask() {
    const controller = latest.start();
    const k = classes();
    const body = { spec: toSpec(form.layers), ...(k >= 2 && k <= 10 ? { classes: k } : {}) };
    let next;
    try {
      const verdict = await api.checkSpec(body, controller.signal);
      next = verdict.fits ? { checked: verdict } : { fault: verdict.fault };
    } catch (error) {
      if (isAbort(error)) return;
      next = { fault: { message: error.message, layer: null } };
    }
    if (!latest.finish(controller)) return; // a newer check was started meanwhile
    answer = next;
    show();
    if (answer.checked) fits();
  }

  /** Put the latest answer (or "checking") into the rows drawn by `draw()`. */
  function show() {
    const states = layerStates(form.layers.length, answer);
    states.rows.forEach((state, i) => {
      const row = element.querySelector(`[data-layer-row="${i}"]`);
      if (!row) return;
      row.classList.toggle("bad", Boolean(state.error));
      row.querySelector("[data-layer-shape]").textContent = state.shape;
      const error = row.querySelector("[data-layer-error]");
      error.hidden = !state.error;
      error.textContent = state.error || "";
    });
    const note = element.querySelector("[data-builder-note]");
    note.textContent = states.note || "";
    note.className = states.fits ? "good" : states.note && answer ? "error" : "muted";
    note.hidden = !states.note;
    element.dataset.check = answer ? (states.fits ? "fits" : "fault") : "checking";
  }

  function changed() {
    save();
    draw();
  }

  /** The outputs the last layer needs now. */
  const outputs = () => headOutputs(classes(), form.sigmoid_head);

  /** The input-scaling choice: [0, 1] as the digits are stored, or [−0.5, 0.5] (Rescale first). */
  function scalingField() {
    const select = h("select", { name: "input_scaling", "data-input-scaling": true },
      h("option", { value: "unit", text: "[0, 1], as stored" }),
      h("option", { value: "centred", text: "[−0.5, 0.5]: a Rescale layer first" }));
    select.value = inputScaling(form.layers);
    select.addEventListener("change", () => { form.layers = withScaling(form.layers, select.value); changed(); });
    return h("label", { class: "field inline" }, h("span", { class: "field-label", text: "Input scaling" }), select);
  }

  /** With exactly two classes: one sigmoid output (the probability of the second class) in
   * place of two softmax outputs. */
  function headField() {
    const box = h("input", { type: "checkbox", name: "sigmoid_head", "data-sigmoid-head": true });
    box.checked = Boolean(form.sigmoid_head);
    box.addEventListener("change", () => {
      form.sigmoid_head = box.checked;
      form.layers = withHead(form.layers, outputs());
      changed();
    });
    return h("label", { class: "check", hidden: classes() !== 2 }, box,
      h("span", { text: "One sigmoid output (the second class's probability) instead of two softmax outputs" }));
  }

  function draw() {
    element.hidden = form.model !== CUSTOM;
    if (element.hidden) { latest.abort(); pace.cancel(); element.replaceChildren(); return; }
    const count = form.layers.length;
    const pinned = inputScaling(form.layers) === "centred";
    const set = (layers) => { form.layers = layers; changed(); };
    const list = h("ol", { class: "layers" }, ...form.layers.map((layer, i) => layerRow(layer, i, {
      count, pinned, slots: PARAM_SLOTS, inits: initChoices(layerTypes(), layer.type),
      defaults: argumentDefaults(layerTypes(), layer.type),
      change: (patch) => {
        const label = document.activeElement && document.activeElement.getAttribute("aria-label");
        const next = { ...layer, ...patch };
        for (const [key, value] of Object.entries(patch)) if (value === undefined) delete next[key];
        set(form.layers.map((l, j) => (j === i ? next : l)));
        if (label) element.querySelector(`[aria-label="${label}"]`)?.focus();
      },
      move: (to) => set(moved(form.layers, i, to)),
      remove: () => set(form.layers.filter((_, j) => j !== i)),
    })));
    const kind = h("select", { "aria-label": "layer type to add" }, ...LAYER_KINDS.map((t) => h("option", { value: t, text: t })));
    const add = h("button", { type: "button", text: "Add layer" });
    add.addEventListener("click", () => set([...form.layers, defaultLayer(kind.value)]));
    const reset = h("button", { type: "button", text: "Start over" });
    reset.addEventListener("click", () => set(withScaling(starterLayers(outputs()), inputScaling(form.layers))));
    element.replaceChildren(
      h("p", { class: "muted", text: "Input 1×28×28. Each row shows its output shape, as the server works it out." }),
      scalingField(), list, h("div", { class: "row" }, kind, add, reset), headField(),
      h("p", { "data-builder-note": true, role: "status" }));
    answer = null;
    show();
    latest.abort(); // an answer still on its way is about the layers before this change
    if (form.layers.length) pace.soon();
    else { latest.abort(); pace.cancel(); answer = { fault: { message: "add at least one layer", layer: null } }; show(); }
  }

  return {
    element, draw,
    /** Check nothing more (the form was replaced). */
    stop() { latest.abort(); pace.cancel(); },
    problem() {
      if (!answer) return "The layers are still being checked; try again in a moment.";
      if (answer.fault) {
        const { layer, message } = answer.fault;
        return layer ? `Layer ${layer} does not fit: ${message}` : `The network does not fit: ${message}`;
      }
      return null;
    },
    spec: () => (answer && answer.checked ? answer.checked.spec : null),
  };
}
