// The Train view's layer builder (the "custom" network): one row per layer with its parameters
// and output shape; move, remove, add, start over. The server checks the layers as they are built
// (POST /api/models/check, 250 ms after the last change, only the latest answer counts): the
// shapes and the message beside the layer that does not fit are its.
import * as api from "../../api.js";
import { LAYER_KINDS, defaultLayer, layerStates, moved, starterLayers, toSpec } from "../../lib/layers.js";
import { CUSTOM } from "../../lib/catalogue.js";
import { latestOnly, throttledRequests } from "../../lib/scheduler.js";
import { el as h, isAbort } from "../../components/dom.js";

const PARAMS = {
  Conv2D: [["out_channels", "filters"], ["kernel_size", "kernel"], ["stride", "stride"], ["padding", "padding"]],
  MaxPool2D: [["kernel_size", "kernel"], ["stride", "stride"]],
  Dense: [["out_features", "outputs"]],
  ReLU: [], Flatten: [],
};
/** Parameter slots of every row: as many as the layer type with the most has. */
const PARAM_SLOTS = Math.max(...Object.values(PARAMS).map((p) => p.length));
/** How long after the last change the layers are sent to be checked (ms). */
const CHECK_DELAY = 250;

/** The builder for `form.layers` (shown only when `form.model` is "custom"); each change replaces
 * `form.layers`, calls `save()` and draws the builder again. `classes()` is the number of outputs
 * the last layer must have; `fits()` is called when the server finds the layers fit. Returns `{element, draw(), problem(), spec()}`: `problem()` is why a
 * run cannot start with these layers (null when the server found they fit), `spec()` the spec it
 * checked (in_channels and in_features filled in), for POST /api/train. */
export function layerBuilder(form, { save, classes, fits = () => {} }) {
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

  function draw() {
    element.hidden = form.model !== CUSTOM;
    if (element.hidden) { latest.abort(); pace.cancel(); element.replaceChildren(); return; }
    const list = h("ol", { class: "layers" });
    form.layers.forEach((layer, i) => {
      const params = PARAMS[layer.type].map(([key, label]) => {
        const input = h("input", { type: key === "padding" ? "text" : "number", min: key === "padding" ? null : "1", value: String(layer[key] ?? ""), "aria-label": `layer ${i + 1} ${layer.type} ${label}`, size: "3" });
        input.addEventListener("change", () => {
          const raw = input.value.trim();
          const value = key === "padding" && Number.isNaN(Number(raw)) ? raw : raw === "" ? null : Number(raw);
          form.layers = form.layers.map((l, j) => (j === i ? { ...l, [key]: value } : l));
          changed();
          element.querySelector(`[aria-label="${input.getAttribute("aria-label")}"]`)?.focus();
        });
        return h("label", { class: "param" }, h("span", { text: label }), input);
      });
      const move = (to, text, label) => {
        const b = h("button", { type: "button", class: "icon", "aria-label": `${label} layer ${i + 1}`, text, disabled: to < 0 || to >= form.layers.length });
        b.addEventListener("click", () => { form.layers = moved(form.layers, i, to); changed(); });
        return b;
      };
      const remove = h("button", { type: "button", class: "icon", "aria-label": `remove layer ${i + 1}`, text: "✕" });
      remove.addEventListener("click", () => { form.layers = form.layers.filter((_, j) => j !== i); changed(); });
      // Every row has the same parts in the same places: its number, type, output shape and
      // tools on the first line, PARAM_SLOTS parameter slots on the second (empty ones kept).
      const slots = params.length
        ? [...params, ...Array.from({ length: PARAM_SLOTS - params.length }, () => h("span", { class: "param empty" }))]
        : [h("span", { class: "param none muted", text: "no parameters" })];
      list.append(h("li", { class: "layer", "data-layer-row": String(i) },
        h("span", { class: "layer-number num", text: String(i + 1) }),
        h("span", { class: "layer-type", text: layer.type }),
        h("span", { class: "layer-shape num", "data-layer-shape": true }),
        h("span", { class: "layer-tools" }, move(i - 1, "↑", "move up"), move(i + 1, "↓", "move down"), remove),
        h("span", { class: "layer-params" }, ...slots),
        h("p", { class: "layer-error", role: "alert", "data-layer-error": true, hidden: true })));
    });
    const kind = h("select", { "aria-label": "layer type to add" }, ...LAYER_KINDS.map((t) => h("option", { value: t, text: t })));
    const add = h("button", { type: "button", text: "Add layer" });
    add.addEventListener("click", () => { form.layers = [...form.layers, defaultLayer(kind.value)]; changed(); });
    const reset = h("button", { type: "button", text: "Start over" });
    reset.addEventListener("click", () => { form.layers = starterLayers(classes()); changed(); });
    element.replaceChildren(
      h("p", { class: "muted", text: "Input 1×28×28. Each row shows its output shape, as the server works it out." }),
      list, h("div", { class: "row" }, kind, add, reset),
      h("p", { "data-builder-note": true, role: "status" }));
    answer = null;
    show();
    latest.abort(); // an answer still on its way is about the layers before this change
    if (form.layers.length) pace.soon();
    else { latest.abort(); pace.cancel(); answer = { fault: { message: "add at least one layer", layer: null } }; show(); }
  }

  return {
    element, draw,
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
