// The Network view: the whole network on one screen (the input, every layer's maps or units,
// the probabilities), sized to the viewport, with the connections between layers, a detail
// panel that opens beside the clicked map, receptive fields traced back to the input on hover,
// each conv layer's kernels, and the saliency of a chosen class over the input. This module
// holds the frame, the loading, the layout and the wiring; each part is drawn by a module in
// views/network/.
import { currentDigit, describeModel, targetClass, traceOf } from "../shell.js";
import { decodeArray, extent, plane } from "../lib/arrays.js";
import { scaleFor } from "../lib/colour.js";
import { percent } from "../lib/format.js";
import { cellAtPoint, headWidth, lineCount, overviewColumns } from "../lib/netlayout.js";
import { planOverview } from "../lib/overview.js";
import { el, isAbort, showErrorIn, svg } from "../components/dom.js";
import { inputScale, networkColumns } from "./network/columns.js";
import { renderKernels } from "./network/kernels.js";
import { openBeside, renderDetail, renderLayerMaps } from "./network/detail.js";
import { clearField, showField } from "./network/field.js";
import { highlightLinks, measureLinks, paintLinks } from "./network/links.js";
import { zoomOf } from "./network/boxes.js";

/** The overview's spacing and limits (lib/overview.js `planOverview`), CSS px. */
const SPACING = { gap: 4, columnGap: 12, minSlot: 56, maxCell: 8 };
/** Top to bottom (lib/overview.js `planRows`): the label column, the rows' gap and least
 * height (a label's three 14 px lines), the height of the rows that are not maps (dense
 * layers as thin bands, the scores and the probabilities as rows of ten), the scale's range. */
const ROWS = {
  labelWidth: 74, lineHeight: 14, rowGap: 8, minRow: 42, maxCell: 3, minCell: 1.5, maxLines: 2,
  heights: { flatten: 16, vector: 16, logits: 36, output: 46 },
};
/** A column header's height when the layers run left to right, before one has been measured. */
const HEAD_GUESS = 76;
/** Room kept under the overview, inside the viewport: left to right, top to bottom. */
const BOTTOM_ROOM = { horizontal: 28, vertical: 8 };

/** A header text's width in CSS px, as network.css sets it: "name" a column's title (bold,
 * 0.95rem), "note" its note (0.75rem); 2 px to spare for rounding. */
function textWidth(text, kind) {
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
  const context = (textWidth.canvas ||= document.createElement("canvas")).getContext("2d");
  const family = getComputedStyle(document.body).fontFamily;
  context.font = kind === "name" ? `700 ${0.95 * rem}px ${family}` : `${0.75 * rem}px ${family}`;
  return Math.ceil(context.measureText(text).width) + 2;
}

export function mount(root, store) {
  root.classList.add("network-view");
  root.replaceChildren();

  // ---- static frame ----------------------------------------------------------------------------
  const note = el("p", { class: "net-note", "data-example-note": true, hidden: true },
    "An example digit (a 3) is shown until you draw one in the Draw tab.");
  const targetSelect = el("select", { "data-target-picker": true, "aria-describedby": "net-saliency-help" });
  const kernelToggle = el("button", { type: "button", "aria-pressed": "false", "data-kernel-toggle": true }, "Show kernels");
  const status = el("p", { class: "net-status", role: "status" });
  const error = el("p", { class: "error", role: "alert", hidden: true });
  const toolbar = el("div", { class: "panel net-toolbar" },
    el("h2", { text: "The whole network" }),
    status,
    el("div", { class: "row net-controls" },
      el("label", {}, "Gradients from class", targetSelect),
      kernelToggle),
    note, error);

  const links = svg("svg", { class: "net-links", "aria-hidden": "true", focusable: "false" });
  const columns = el("div", { class: "net-cols" });
  const detail = el("div", { class: "net-detail", role: "dialog", "data-detail": true, hidden: true });
  const stage = el("div", { class: "net-stage", role: "group", "aria-label": "The network, from the input to the probabilities" },
    links, columns, detail);
  const saliencyHelp = el("p", { id: "net-saliency-help", class: "muted" });
  const help = el("div", { class: "net-help" },
    el("p", { class: "muted", text: "Each layer's output is drawn in its column (its row, on a narrow screen), every map to the same scale (a 14×14 map is half as wide as a 28×28 one). Lines show which maps feed which: every map of a convolution reads every map before it, pooling and activations read one. Hover a map to see the cells of earlier maps, and the input pixels, one of its cells reads; click it (or press Enter) to open its detail. On a touch screen, tap a row of maps too small to pick one: they open large enough to tap." }),
    saliencyHelp);
  const netPanel = el("div", { class: "panel net-panel" }, stage, help);
  const kernels = el("div", { class: "panel net-kernels", "data-kernels": true, hidden: true });
  root.append(toolbar, netPanel, kernels);

  // ---- state ---------------------------------------------------------------------------------
  let modelId = null;
  let controller = null;
  let dirty = true;
  let showKernels = Boolean(store.state.networkKernels);
  // the loaded data the parts draw: the model (/api/models/{id}), its trace, the decoded input,
  // saliency and layer outputs, one colour scale per layer
  const net = { model: null, trace: null, input: null, saliency: null, decoded: [], scales: [] };
  // the open map {name, channel}, the cell last shown in it {row, col}, the layer whose maps
  // are open to pick one (a touch screen's row); the plan and the connections of the last
  // layout, and the viewport it was made for
  const local = { selected: null, cursor: null, picking: null, hovered: null, links: [], plan: null, laidOutFor: "" };

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
      status.textContent = `Predicts ${net.trace.label} (${percent(net.trace.probabilities[net.trace.index])}); gradients from class ${net.trace.target_label}.`;
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
    const { trace } = net;
    net.decoded = trace.layers.map((layer) => decodeArray(layer.output));
    net.scales = net.decoded.map((output) => scaleFor(extent(output.data)));
    net.input = decodeArray(trace.input);
    net.saliency = decodeArray(trace.saliency);
    saliencyHelp.textContent = `Saliency (next to the input): how much each input pixel would change the score (logit) of class ${trace.target_label} if it were a little darker; orange raises it, blue lowers it.`;
    renderTargetPicker();
    showKernelPanel();
    layout();
  }

  /** The room the overview has: the stage's width; the height left in the viewport under it
   * (when the page is scrolled to the top) for the tallest stack of maps, or for every row. */
  function spaceFor(columnsSpec) {
    const head = columns.querySelector(".col-head");
    const headHeight = head && local.plan && local.plan.orientation === "horizontal" ? head.offsetHeight : HEAD_GUESS;
    // The viewport is measured in screen pixels, the plan in CSS pixels (presentation mode zooms).
    const zoom = zoomOf(stage);
    const below = (window.innerHeight - stage.getBoundingClientRect().top - window.scrollY) / zoom;
    const smallest = Math.min(...columnsSpec.filter((c) => c.kind === "maps").map((c) => Math.min(c.h, c.w)));
    const coarse = typeof matchMedia === "function" && matchMedia("(pointer: coarse)").matches;
    const minTarget = coarse ? 44 : 24;
    return {
      ...SPACING,
      width: stage.clientWidth,
      height: Math.max(200, below - headHeight - BOTTOM_ROOM.horizontal),
      minCell: Math.min(3, Math.max(1.5, 10 / smallest)),
      minTarget,
      rows: {
        ...ROWS, width: stage.clientWidth, height: Math.max(200, below - BOTTOM_ROOM.vertical),
        minRow: Math.max(ROWS.minRow, minTarget), rowTargets: coarse,
      },
    };
  }

  function layout() {
    const { model, trace } = net;
    const columnsSpec = overviewColumns(model.layers, model.input_shape, trace.classes).map((column) => {
      const layer = model.layers.find((row) => row.name === column.name);
      const note = layer && layer.note;
      const maps = column.kind === "maps";
      // top to bottom, a label with a note: name, shape (and range), then the note's lines
      const noteLines = note ? lineCount(note, ROWS.labelWidth - 6, (text) => textWidth(text, "note")) : 0;
      return {
        // Flatten's column is a note turned on its side, with no header
        ...column, headWidth: column.role === "flatten" ? 0 : headWidth(column.name, note, maps, textWidth),
        rowHeight: note ? ROWS.lineHeight * (2 + noteLines + (maps ? 1 : 0)) : 0,
      };
    });
    const plan = planOverview(columnsSpec, spaceFor(columnsSpec));
    local.plan = plan;
    local.laidOutFor = `${window.innerWidth}×${window.innerHeight}`;
    stage.dataset.orientation = plan.orientation;
    stage.style.setProperty("--row-label", `${ROWS.labelWidth}px`);
    stage.style.setProperty("--row-gap", `${ROWS.rowGap}px`);
    const across = plan.orientation === "horizontal";
    const barsLength = Math.max(160, ...plan.slots.filter((slot) => slot.lines).map((slot) => slot.height));
    columns.replaceChildren(...networkColumns(net, columnsSpec, plan, barsLength));
    const types = columnsSpec.map((column) => (model.layers.find((layer) => layer.name === column.name) || {}).type || null);
    local.links = measureLinks(stage, columns, columnsSpec, types, across);
    paintLinks(links, local.links, columns.scrollWidth, columns.scrollHeight, hotMap());
    const open = local.selected || (local.picking && { name: local.picking });
    if (open && !anchorOf(open.name, open.channel)) { local.selected = null; local.picking = null; }
    if (local.selected) showDetail(false);
    else if (local.picking) showLayerMaps(local.picking, false);
    else detail.hidden = true;
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

  // ---- the detail and the receptive fields (views/network/detail.js, field.js) ---------------
  const layerIndex = (name) => (name === "input" ? -1 : net.model.layers.findIndex((l) => l.name === name));
  const findButton = (name, channel) => columns.querySelector(`.map-btn[data-layer-name="${name}"][data-channel="${channel}"]`);
  /** What a map's detail opens beside: its button, or its layer's row on a touch screen. */
  const anchorOf = (name, channel) => findButton(name, channel) || columns.querySelector(`[data-layer-button="${name}"]`);
  const press = (node) => {
    for (const b of columns.querySelectorAll("[aria-pressed]")) b.removeAttribute("aria-pressed");
    if (node) node.setAttribute("aria-pressed", "true");
  };
  const hotMap = () => {
    const hot = local.hovered || local.selected;
    return hot ? { layer: hot.name, channel: hot.channel } : null;
  };
  const fieldOf = (name, channel, row, col) => showField(root, columns, net.model, name, layerIndex(name), channel, row, col);
  const detailView = {
    map: (name, channel) => (name === "input" ? plane(net.input, 0) : plane(net.decoded[layerIndex(name)], channel)),
    scale: (name) => (name === "input" ? inputScale(plane(net.input, 0)) : net.scales[layerIndex(name)]),
    layer: (name) => (name === "input" ? null : net.model.layers[layerIndex(name)]),
    showField: fieldOf,
    clearField: () => clearField(root),
    onClose: closeDetail,
  };

  /** Draw the selected map's detail; `fresh` (just clicked): grow it out of the map and scroll
   * it into view, else only put it back beside its map (after a new layout). */
  function showDetail(fresh) {
    const anchor = anchorOf(local.selected.name, local.selected.channel);
    press(anchor);
    renderDetail(detail, local, detailView);
    openBeside(detail, stage, anchor, { quiet: !fresh });
  }

  /** The maps of layer `name` in the detail, large enough to pick one with a finger. */
  function showLayerMaps(name, fresh) {
    const i = layerIndex(name);
    const anchor = anchorOf(name);
    press(anchor);
    const maps = Array.from({ length: net.decoded[i].shape.at(-3) }, (_, c) => plane(net.decoded[i], c));
    renderLayerMaps(detail, net.model.layers[i], maps, net.scales[i], {
      minTarget: 44,
      onClose: closeDetail,
      pick: (channel, byKeyboard) => {
        local.selected = { name, channel };
        local.picking = null;
        local.cursor = null;
        highlightLinks(links, local.links, hotMap());
        showDetail(true);
        if (byKeyboard) detail.querySelector("canvas.big").focus();
      },
    });
    openBeside(detail, stage, anchor, { quiet: !fresh });
  }

  function closeDetail() {
    const open = local.selected || (local.picking && { name: local.picking });
    if (!open) return;
    const back = anchorOf(open.name, open.channel);
    press(null);
    local.selected = null;
    local.picking = null;
    local.cursor = null;
    detail.hidden = true;
    clearField(root);
    highlightLinks(links, local.links, hotMap());
    if (back) back.focus();
  }

  // ---- events ----------------------------------------------------------------------------------
  columns.addEventListener("pointermove", (event) => {
    const canvas = event.target.closest ? event.target.closest("canvas[data-map]") : null;
    if (!canvas || !net.model || !net.trace) return;
    const [name, channel] = canvas.dataset.map.split(":");
    const rect = canvas.getBoundingClientRect();
    const { row, col } = cellAtPoint(event.clientX - rect.left, event.clientY - rect.top, rect.width, rect.height, canvas.height, canvas.width);
    fieldOf(name, Number(channel), row, col);
    if (!local.hovered || local.hovered.name !== name || local.hovered.channel !== Number(channel)) {
      local.hovered = { name, channel: Number(channel) };
      highlightLinks(links, local.links, hotMap());
    }
  });
  columns.addEventListener("pointerout", (event) => {
    const from = event.target.closest ? event.target.closest(".map-btn") : null;
    if (!from) return;
    if (event.relatedTarget && from.contains(event.relatedTarget)) return;
    clearField(root);
    local.hovered = null;
    highlightLinks(links, local.links, hotMap());
  });
  // A map reached by keyboard shows what feeds it, as a hovered one does.
  columns.addEventListener("focusin", (event) => {
    const button = event.target.closest(".map-btn");
    if (!button) return;
    local.hovered = { name: button.dataset.layerName, channel: Number(button.dataset.channel) };
    highlightLinks(links, local.links, hotMap());
  });
  columns.addEventListener("focusout", () => {
    local.hovered = null;
    highlightLinks(links, local.links, hotMap());
  });
  columns.addEventListener("click", (event) => {
    const row = event.target.closest(".layer-btn");
    if (row) {
      local.selected = null;
      local.picking = row.dataset.layerButton;
      showLayerMaps(local.picking, true);
      if (event.detail === 0) detail.querySelector(".pick-btn").focus();
      return;
    }
    const button = event.target.closest(".map-btn");
    if (!button) return;
    local.selected = { name: button.dataset.layerName, channel: Number(button.dataset.channel) };
    local.picking = null;
    local.cursor = null;
    highlightLinks(links, local.links, hotMap());
    showDetail(true);
    // Keyboard: move into the enlarged map so the arrow keys walk its cells.
    if (event.detail === 0) detail.querySelector("canvas.big").focus();
  });
  document.addEventListener("keydown", (event) => {
    // Escape closes the detail, unless it is meant for another dialog (the Models panel).
    if (event.key !== "Escape" || !(local.selected || local.picking) || root.hidden) return;
    if (event.target.closest && event.target.closest("dialog")) return;
    closeDetail();
  });

  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { if (!root.hidden && net.trace) layout(); }, 150);
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
    if (changed.has("model")) { net.model = null; local.selected = null; local.picking = null; }
    requestLoad();
  });
  store.watch(["tab"], (state) => {
    if (state.tab !== "network") return;
    requestAnimationFrame(() => {
      if (root.hidden) return;
      if (dirty) load();
      else if (net.trace && local.laidOutFor !== `${window.innerWidth}×${window.innerHeight}`) layout();
    });
  });

  renderToggle();
  load();
}
