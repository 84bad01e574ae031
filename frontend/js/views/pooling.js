// The Pooling & backprop view: max pooling over a whole feature map (every window's winner
// marked), average pooling beside it, the backward pass through pooling animated (gradients fly
// to the winners, or spread evenly for average pooling), translation invariance, the backward
// convolution stepped position by position, and the saliency map over the drawing. It opens on
// the channel's most active window, which the server picks (POST /pool-step without a position),
// unless the link names one; that answer also brings every window of the layer. This module
// holds the frame, the loading and the wiring; each section is drawn by a module in views/pooling/.
import * as api from "../api.js";
import { currentDigit, describeModel, targetClass, traceOf } from "../shell.js";
import { decodeArray, plane } from "../lib/arrays.js";
import { percent } from "../lib/format.js";
import { formatCell, parseCell } from "../lib/url.js";
import { el, isAbort } from "../components/dom.js";
import { isPool } from "./pooling/parts.js";
import { windowSection } from "./pooling/window.js";
import { renderAverage } from "./pooling/average.js";
import { renderBackprop } from "./pooling/backprop.js";
import { shiftSection } from "./pooling/shift.js";
import { renderBackconv } from "./pooling/backconv.js";
import { renderSaliency } from "./pooling/saliency.js";

export function mount(root, store) {
  root.classList.add("pooling-view");
  root.replaceChildren();

  const local = {
    info: null,          // GET /api/models/{id}
    trace: null,         // the trace for the current digit and target
    layers: null,        // decoded trace layers by name
    sel: parseCell(store.state.window), // the chosen window, in the URL; null: the most active
    shift: { dy: 1, dx: 1 },
    bconv: { layer: null, channel: 0, input: 0, position: 0 },
  };
  const controllers = {};
  function fresh(key) {
    if (controllers[key]) controllers[key].abort();
    controllers[key] = new AbortController();
    return controllers[key].signal;
  }

  // ---- the frame ----
  const intro = el("div", { class: "panel pool-intro" },
    el("h2", { text: "Pooling & backprop" }),
    el("p", { class: "muted", text: "Pooling keeps the strongest signal of each small window. On the way back, the gradient flows only where the signal came from." }),
  );
  const digitNote = el("p", { class: "pool-note", "data-pool-digit-note": "", hidden: true });
  const status = el("p", { class: "muted", "data-pool-status": "", role: "status" });
  const errorBox = el("p", { class: "error", "data-pool-error": "", role: "alert", hidden: true });
  const layerSelect = el("select", { "data-pool-layer": "", id: "pool-layer" });
  const channelSelect = el("select", { "data-pool-channel": "", id: "pool-channel" });
  const targetSelect = el("select", { "data-pool-target": "", id: "pool-target" });
  const controls = el("div", { class: "row pool-controls" },
    el("label", {}, "Pooling layer", layerSelect),
    el("label", {}, "Channel", channelSelect),
    el("label", {}, "Backward pass for class", targetSelect),
  );
  intro.append(controls, digitNote, status, errorBox);

  const s1 = el("section", { class: "panel pool-section", "aria-labelledby": "pool-h1" });
  const s2 = el("section", { class: "panel pool-section", "aria-labelledby": "pool-h2" });
  const s3 = el("section", { class: "panel pool-section pool-signature", "aria-labelledby": "pool-h3" });
  const s4 = el("section", { class: "panel pool-section", "aria-labelledby": "pool-h4" });
  const s5 = el("section", { class: "panel pool-section", "aria-labelledby": "pool-h5" });
  const s6 = el("section", { class: "panel pool-section", "aria-labelledby": "pool-h6" });
  root.append(intro, s1, s2, s3, s4, s5, s6);

  // ---- the sections (views/pooling/) ----
  const view = { local, store, fresh, poolStep };
  const windowPane = windowSection(s1, view);
  const shiftPane = shiftSection(s4, { ...view, poolContext });
  let flows = []; // section 3's gradient flows, finished when the view is hidden

  function showError(message) {
    errorBox.hidden = !message;
    errorBox.textContent = message || "";
  }

  // ---- the chosen pooling layer ----
  /** The chosen layer and channel: its row (GET /api/models/{id}: shapes, window), the trace's
   * planes around it; `step` (the pool-step answer) is added by renderAll. */
  function poolContext() {
    if (!local.info || !local.layers) return null;
    const rows = local.info.layers;
    const name = store.state.pool;
    const index = rows.findIndex((l) => l.name === name);
    if (index < 0 || !isPool(rows[index].type)) return null;
    const row = rows[index];
    const out = local.layers[name];
    const channels = out.output.shape[1];
    const channel = Math.min(Math.max(0, Number(store.state.map) || 0), channels - 1);
    const prevName = index > 0 ? rows[index - 1].name : null;
    const input = prevName ? local.layers[prevName].output : local.inputArray;
    const inputGrad = prevName ? local.layers[prevName].gradient : local.saliency;
    return {
      name, index, geometry: row.geometry, channel, channels, prevName: prevName || "input",
      isMax: row.type === "MaxPool2D" && Boolean(out.indices),
      input: plane(input, channel),
      output: plane(out.output, channel),
      grad: plane(out.gradient, channel),
      inputGrad: plane(inputGrad, channel),
      indices: out.indices ? plane(out.indices, channel).data : null,
    };
  }

  /** The pool-step answer for the chosen window of `ctx` (none chosen: the most active one),
   * with the gradient of the backward pass's class as its upstream. */
  function poolStep(ctx, cell, signal) {
    const target = targetClass(store.state, local.info);
    return api.poolStep(store.state.model, currentDigit(), {
      layer: ctx.name, channel: ctx.channel, ...(cell || {}), upstream: "logit",
      ...(target === null ? {} : { target_class: target }),
    }, signal);
  }

  // ---- loading ----
  async function loadModel() {
    const id = store.state.model;
    if (!id) return;
    const signal = fresh("model");
    try {
      const info = await describeModel(id);
      if (signal.aborted) return;
      local.info = info;
      fillLayerSelect();
      await loadTrace();
    } catch (error) {
      if (!isAbort(error)) showError(`The model could not be loaded: ${error.message}`);
    }
  }

  function fillLayerSelect() {
    const pools = local.info.layers.filter((l) => isPool(l.type));
    layerSelect.replaceChildren(...pools.map((l) => el("option", { value: l.name, text: `${l.name} (${l.type})` })));
    if (!pools.length) {
      status.textContent = "This model has no pooling layer: pick a model with one (LeNet-5 has two).";
      return;
    }
    if (!pools.some((l) => l.name === store.state.pool)) store.set({ pool: pools[0].name });
    layerSelect.value = store.state.pool;
  }

  async function loadTrace() {
    if (!local.info) return;
    const id = store.state.model;
    const signal = fresh("trace");
    digitNote.hidden = Boolean(store.state.digit);
    digitNote.textContent = "An example digit (a 3) is shown until you draw one in the Draw tab.";
    status.textContent = "Tracing the digit through the network…";
    try {
      const trace = await traceOf(id, currentDigit(), targetClass(store.state, local.info), signal);
      if (signal.aborted) return;
      showError(null);
      local.trace = trace;
      local.layers = {};
      for (const layer of trace.layers) {
        local.layers[layer.name] = {
          spec: layer,
          output: decodeArray(layer.output),
          gradient: decodeArray(layer.gradient),
          indices: layer.indices ? decodeArray(layer.indices) : null,
        };
      }
      local.inputArray = decodeArray(trace.input);
      local.saliency = decodeArray(trace.saliency);
      status.textContent = `The network reads ${trace.label} (${percent(trace.probabilities[trace.index], 1)}). Gradients are of the logit for class ${trace.target_label}.`;
      fillTargetSelect();
      renderAll();
    } catch (error) {
      if (isAbort(error)) return;
      status.textContent = "";
      showError(`The trace failed: ${error.message}`);
    }
  }

  function fillTargetSelect() {
    const { classes, index } = local.trace;
    targetSelect.replaceChildren(
      el("option", { value: "", text: `predicted (${classes[index]})` }),
      ...classes.map((c, i) => el("option", { value: String(i), text: c })),
    );
    const chosen = targetClass(store.state, local.info);
    targetSelect.value = chosen === null ? "" : String(chosen);
  }

  function fillChannelSelect(ctx) {
    const want = String(ctx.channel);
    if (channelSelect.options.length !== ctx.channels) {
      channelSelect.replaceChildren(
        ...Array.from({ length: ctx.channels }, (_, i) => el("option", { value: String(i), text: String(i) })),
      );
    }
    channelSelect.value = want;
  }

  async function renderAll() {
    const ctx = poolContext();
    if (!ctx) {
      for (const s of [s1, s2, s3, s4]) s.replaceChildren();
      renderBackconv(s5, view);
      renderSaliency(s6, local);
      return;
    }
    layerSelect.value = ctx.name;
    fillChannelSelect(ctx);
    const cell = local.sel && {
      row: Math.min(local.sel.row, ctx.output.height - 1), col: Math.min(local.sel.col, ctx.output.width - 1),
    };
    const signal = fresh("layer");
    try {
      ctx.step = await poolStep(ctx, cell, signal);
    } catch (error) {
      if (!isAbort(error)) showError(`${ctx.name} could not be loaded: ${error.message}`);
      return;
    }
    if (signal.aborted) return;
    local.sel = { row: ctx.step.row, col: ctx.step.col };
    // The window the server picked goes into the link, so the link opens on it again.
    if (store.state.tab === "pooling") store.set({ window: formatCell(local.sel) });
    windowPane.render(ctx);
    renderAverage(s2, ctx);
    for (const f of flows) f.flow.stop();
    flows = renderBackprop(s3, ctx, { root, label: local.trace.target_label });
    shiftPane.render(ctx);
    shiftPane.load();
    renderBackconv(s5, view);
    renderSaliency(s6, local);
  }

  // ---- wiring ----
  // Another layer or channel opens on its most active window (no window: the server picks).
  layerSelect.addEventListener("change", () => {
    local.bconv.layer = null;
    local.sel = null;
    store.set({ pool: layerSelect.value, map: 0, window: null });
  });
  channelSelect.addEventListener("change", () => {
    local.sel = null;
    store.set({ map: Number(channelSelect.value), window: null });
  });
  targetSelect.addEventListener("change", () => {
    store.set({ target: targetSelect.value === "" ? null : Number(targetSelect.value) });
  });

  // Work for a change made while another view is showing waits until this view is shown again
  // (the strongest pending job wins: a new model reloads everything, a new digit re-traces).
  let pending = 0;
  const JOBS = {
    3: () => loadModel(),
    2: () => loadTrace(),
    1: () => { if (local.info && local.layers) renderAll(); },
  };
  function whenShown(level) {
    if (store.state.tab === "pooling") JOBS[level]();
    else pending = Math.max(pending, level);
  }

  store.watch(["model"], () => {
    local.info = null;
    local.trace = null;
    local.layers = null;
    local.bconv.layer = null;
    status.textContent = "";
    showError(null);
    whenShown(3);
  });
  store.watch(["digit", "target"], () => whenShown(2));
  store.watch(["window"], (state) => {
    const cell = parseCell(state.window);
    if (!cell || (local.sel && cell.row === local.sel.row && cell.col === local.sel.col)) return;
    local.sel = cell; // a link or the Back button: renderAll clamps it to the map
    if (local.info && local.layers) whenShown(1);
  });
  store.watch(["pool", "map"], (state, changed) => {
    if (!local.info || !local.layers) return;
    if (changed.has("pool")) {
      const pools = local.info.layers.filter((l) => isPool(l.type));
      if (!pools.some((l) => l.name === state.pool)) return;
      local.bconv.layer = null;
    }
    whenShown(1);
  });
  store.watch(["tab"], (state) => {
    if (state.tab !== "pooling") {
      for (const f of flows) f.flow.showEnd();
      return;
    }
    if (pending) {
      const level = pending;
      pending = 0;
      JOBS[level]();
    }
  });

  loadModel();
}
