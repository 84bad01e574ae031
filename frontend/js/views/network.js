// The Network view: the whole network as columns (input, every layer's maps or units, the output
// probabilities), a detail panel for one enlarged map, receptive fields traced back to the input
// on hover, each conv layer's kernels, and the saliency of a chosen class over the input. This
// module holds the frame, the loading and the wiring; each section is drawn by a module in
// views/network/.
import { currentDigit, describeModel, targetClass, traceOf } from "../shell.js";
import { decodeArray, extent, plane } from "../lib/arrays.js";
import { scaleFor } from "../lib/colour.js";
import { percent } from "../lib/format.js";
import { cellAtPoint, mapSizes } from "../lib/netlayout.js";
import { el, isAbort, showErrorIn } from "../components/dom.js";
import { inputScale, networkColumns } from "./network/columns.js";
import { renderKernels } from "./network/kernels.js";
import { renderDetail } from "./network/detail.js";
import { clearField, showField } from "./network/field.js";

export function mount(root, store) {
  root.classList.add("network-view");
  root.replaceChildren();

  // ---- static frame ----------------------------------------------------------------------------
  const note = el("p", { class: "net-note muted", "data-example-note": true, hidden: true },
    "An example digit (a 3) is shown until you draw one in the Draw tab.");
  const targetSelect = el("select", { "data-target-picker": true, "aria-describedby": "net-saliency-help" });
  const kernelToggle = el("button", { type: "button", "aria-pressed": "false", "data-kernel-toggle": true }, "Show kernels");
  const status = el("p", { class: "net-status muted", role: "status" });
  const error = el("p", { class: "error", role: "alert", hidden: true });
  const toolbar = el("div", { class: "panel net-toolbar" },
    el("div", { class: "net-intro" },
      el("h2", { text: "The whole network" }),
      el("p", { class: "muted", text: "Left to right: the input, every layer's output, the probabilities. Hover a map to see which input pixels a cell looks at; click one to enlarge it." }),
      note),
    el("div", { class: "row net-controls" },
      el("label", {}, "Backward pass from class", targetSelect),
      kernelToggle),
    status, error);

  const columns = el("div", { class: "net-cols" });
  const scroller = el("div", { class: "net-scroll", tabindex: "0", role: "region", "aria-label": "Network layers, scroll sideways" }, columns);
  const netPanel = el("div", { class: "panel net-panel" }, scroller);

  const detail = el("div", { class: "panel net-detail", "data-detail": true });
  const kernels = el("div", { class: "panel net-kernels", "data-kernels": true, hidden: true });
  const lower = el("div", { class: "net-lower" }, detail, kernels);
  root.append(toolbar, netPanel, lower);

  // ---- state ---------------------------------------------------------------------------------
  let modelId = null;
  let controller = null;
  let dirty = true;
  let showKernels = Boolean(store.state.networkKernels);
  // the loaded data the sections draw: the model (/api/models/{id}), its trace, each layer's
  // decoded output, map size and colour scale
  const net = { model: null, trace: null, decoded: null, sizes: [], scales: [] };
  // the enlarged map {name, channel} and the cell last shown in it {row, col}
  const local = { selected: null, cursor: null };

  function setError(message) {
    showErrorIn(error, message ? { message } : null);
  }

  async function load() {
    const state = store.state;
    if (!state.model) { dirty = true; return; }
    dirty = false;
    if (controller) controller.abort();
    controller = new AbortController();
    const { signal } = controller;
    root.removeAttribute("data-rendered");
    note.hidden = Boolean(state.digit);
    status.textContent = "Running the digit through the network…";
    setError(null);
    try {
      if (!net.model || modelId !== state.model) {
        const info = await describeModel(state.model);
        if (signal.aborted) return;
        net.model = info;
        modelId = state.model;
      }
      const result = await traceOf(state.model, currentDigit(state), targetClass(state, net.model), signal);
      if (signal.aborted) return;
      net.trace = result;
      render();
      status.textContent = `${net.model.name}: predicts ${net.trace.label} (${percent(net.trace.probabilities[net.trace.index])}); gradients from class ${net.trace.target_label}.`;
      root.setAttribute("data-rendered", state.model);
    } catch (err) {
      if (isAbort(err)) return;
      status.textContent = "";
      setError(`The network could not be shown: ${err.message}`);
    }
  }

  function requestLoad() {
    dirty = true;
    if (!root.hidden) load();
  }

  // ---- rendering -------------------------------------------------------------------------------
  function render() {
    const { model, trace } = net;
    net.sizes = mapSizes(model.layers);
    net.decoded = trace.layers.map((layer) => ({ output: decodeArray(layer.output) }));
    net.scales = net.decoded.map(({ output }) => scaleFor(extent(output.data)));
    renderTargetPicker();
    columns.replaceChildren(...networkColumns(net, decodeArray(trace.input), decodeArray(trace.saliency)));
    showKernelPanel();
    if (local.selected && !findCanvas(local.selected.name, local.selected.channel)) local.selected = null;
    if (local.selected) findCanvas(local.selected.name, local.selected.channel).parentElement.setAttribute("aria-pressed", "true");
    showDetail();
  }

  function renderTargetPicker() {
    const { trace } = net;
    const options = [el("option", { value: "", text: `predicted (${trace.label})` })];
    trace.classes.forEach((label, k) => options.push(el("option", { value: String(k), text: `class ${label}` })));
    targetSelect.replaceChildren(...options);
    const chosen = targetClass(store.state, net.model);
    targetSelect.value = chosen === null ? "" : String(chosen);
  }

  function renderToggle() {
    kernelToggle.setAttribute("aria-pressed", String(showKernels));
    kernelToggle.textContent = showKernels ? "Hide kernels" : "Show kernels";
    kernels.hidden = !showKernels;
  }

  function showKernelPanel() {
    renderToggle();
    if (showKernels) renderKernels(kernels, net.trace);
  }

  // ---- the enlarged map and the receptive fields (views/network/detail.js, field.js) ----------
  const layerIndex = (name) => (name === "input" ? -1 : net.model.layers.findIndex((l) => l.name === name));
  const findCanvas = (name, channel) => columns.querySelector(`canvas[data-map="${name}:${channel}"]`);
  const fieldOf = (name, channel, row, col) => showField(root, columns, net, name, layerIndex(name), channel, row, col);
  const detailView = {
    layerIndex,
    map: (name, channel) => (name === "input"
      ? plane(decodeArray(net.trace.input), 0)
      : plane(net.decoded[layerIndex(name)].output, channel)),
    scale: (name) => (name === "input" ? inputScale(plane(decodeArray(net.trace.input), 0)) : net.scales[layerIndex(name)]),
    type: (name) => (layerIndex(name) < 0 ? "input" : net.model.layers[layerIndex(name)].type),
    showField: fieldOf,
    clearField: () => clearField(root),
    onClose: () => {
      const { name, channel } = local.selected;
      const back = findCanvas(name, channel);
      local.selected = null;
      local.cursor = null;
      clearField(root);
      showDetail();
      if (back) back.parentElement.focus();
    },
  };
  function showDetail() {
    if (!net.trace) return;
    renderDetail(detail, local, detailView);
  }

  // ---- events ----------------------------------------------------------------------------------
  columns.addEventListener("pointermove", (event) => {
    const canvas = event.target.closest ? event.target.closest("canvas[data-map]") : null;
    if (!canvas || !net.model || !net.trace) return;
    const [name, channel] = canvas.dataset.map.split(":");
    const rect = canvas.getBoundingClientRect();
    const { row, col } = cellAtPoint(event.clientX - rect.left, event.clientY - rect.top, rect.width, rect.height, canvas.height, canvas.width);
    fieldOf(name, Number(channel), row, col);
  });
  columns.addEventListener("pointerout", (event) => {
    const from = event.target.closest ? event.target.closest(".map-btn") : null;
    if (!from) return;
    if (event.relatedTarget && from.contains(event.relatedTarget)) return;
    clearField(root);
  });
  columns.addEventListener("click", (event) => {
    const button = event.target.closest(".map-btn");
    if (!button) return;
    local.selected = { name: button.dataset.layerName, channel: Number(button.dataset.channel) };
    local.cursor = null;
    for (const b of columns.querySelectorAll(".map-btn[aria-pressed]")) b.removeAttribute("aria-pressed");
    button.setAttribute("aria-pressed", "true");
    showDetail();
    if (event.detail === 0) {
      // Keyboard: move into the enlarged map so the arrow keys walk its cells.
      const big = detail.querySelector("canvas.big");
      if (big) big.focus();
    }
  });

  targetSelect.addEventListener("change", () => {
    store.set({ target: targetSelect.value === "" ? null : Number(targetSelect.value) });
  });
  kernelToggle.addEventListener("click", () => {
    showKernels = !showKernels;
    store.set({ networkKernels: showKernels });
    if (net.trace) showKernelPanel();
    else kernelToggle.setAttribute("aria-pressed", String(showKernels));
  });

  store.watch(["model", "digit", "target"], (state, changed) => {
    if (changed.has("model")) { net.model = null; local.selected = null; }
    requestLoad();
  });
  store.watch(["tab"], (state) => {
    if (state.tab === "network" && dirty) requestAnimationFrame(() => { if (!root.hidden) load(); });
  });

  showDetail();
  renderToggle();
  load();
}
