// The Network view: the whole network as columns (input, every layer's maps or units, the output
// probabilities), a detail panel for one enlarged map, receptive fields traced back to the input
// on hover, each conv layer's kernels, and the saliency of a chosen class over the input.
import { currentDigit, describeModel, targetClass, traceOf } from "../shell.js";
import { drawHeatmap, legend } from "../components/heatmap.js";
import { decodeArray, extent, plane } from "../lib/arrays.js";
import { css, scaleFor } from "../lib/colour.js";
import { fixed, grouped, percent, shapeText } from "../lib/format.js";
import {
  boxPercent, cellAtPoint, kernelGrid, layerKind, mapPixels, mapSizes, namedField,
} from "../lib/netlayout.js";
import { el, isAbort } from "../components/dom.js";

const INPUT_SIZE = [28, 28];
/** Larger maps on large screens (a projector on a wall). */
const zoom = () => (window.innerWidth >= 1700 ? 1.25 : 1);

/** A map as a focusable button holding its canvas; `data-map="NAME:CHANNEL"` on the canvas. */
function mapButton(name, channel, map, scale, px, label) {
  const canvas = el("canvas", { "data-map": `${name}:${channel}`, "aria-hidden": "true" });
  drawHeatmap(canvas, map, scale);
  canvas.style.width = `${px}px`;
  canvas.style.height = `${(px * map.height) / map.width}px`;
  const button = el("button", {
    type: "button", class: "map-btn", "aria-label": label,
    "data-layer-name": name, "data-channel": String(channel),
  }, canvas);
  return button;
}

/** Horizontal bars for a vector of values (signed colours), drawn on a canvas. */
function barsCanvas(values, scale, name) {
  const rowH = Math.round((values.length > 60 ? 4 : values.length > 20 ? 8 : 18) * zoom());
  const width = Math.round(120 * zoom());
  const ratio = window.devicePixelRatio || 1;
  const canvas = el("canvas", { class: "bars", role: "img" });
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(values.length * rowH * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${values.length * rowH}px`;
  const ctx = canvas.getContext("2d");
  ctx.scale(ratio, ratio);
  const signed = scale.kind === "diverging";
  const zero = signed ? width / 2 : 0;
  const span = signed ? width / 2 : width;
  const bound = signed ? scale.max : scale.max - scale.min || 1;
  values.forEach((v, i) => {
    const length = (Math.abs(signed ? v : v - scale.min) / bound) * span;
    ctx.fillStyle = css(signed ? scale.colour(v) : scale.colour(scale.max * 0.85 * Math.min(1, length / span) + scale.min));
    const x = signed && v < 0 ? zero - length : zero;
    ctx.fillRect(x, i * rowH + (rowH > 4 ? 1 : 0.5), Math.max(length, 0.5), rowH > 4 ? rowH - 2 : rowH - 1);
  });
  if (signed) {
    ctx.fillStyle = "rgba(128,128,128,0.8)";
    ctx.fillRect(zero - 0.5, 0, 1, values.length * rowH);
  }
  const [lo, hi] = extent(values);
  let best = 0;
  values.forEach((v, i) => { if (v > values[best]) best = i; });
  canvas.setAttribute("aria-label", `${name}: ${values.length} values from ${fixed(lo, 2)} to ${fixed(hi, 2)}; the largest is unit ${best} (${fixed(values[best], 2)})`);
  canvas.rowH = rowH;
  return canvas;
}

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
  let model = null; // /api/models/{id}
  let modelId = null;
  let trace = null;
  let decoded = null; // per layer: {output}
  let sizes = [];
  let scales = [];
  let selected = null; // {name, channel}
  let cursor = null; // {row, col} in the enlarged map
  let controller = null;
  let dirty = true;
  let showKernels = Boolean(store.state.networkKernels);

  function setError(message) {
    error.hidden = !message;
    error.textContent = message || "";
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
      if (!model || modelId !== state.model) {
        const info = await describeModel(state.model);
        if (signal.aborted) return;
        model = info;
        modelId = state.model;
      }
      const result = await traceOf(state.model, currentDigit(state), targetClass(state, model), signal);
      if (signal.aborted) return;
      trace = result;
      render();
      status.textContent = `${model.name}: predicts ${trace.label} (${percent(trace.probabilities[trace.index])}); gradients from class ${trace.target_label}.`;
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
    const spec = model.spec.layers;
    sizes = mapSizes(model.layers);
    decoded = trace.layers.map((layer) => ({ output: decodeArray(layer.output) }));
    scales = decoded.map(({ output }) => scaleFor(extent(output.data)));
    const input = decodeArray(trace.input);
    const saliency = decodeArray(trace.saliency);

    renderTargetPicker();
    const cols = [inputColumn(input, saliency)];
    model.layers.forEach((layer, i) => {
      const kind = layerKind(spec[i].type, layer.output_shape);
      if (kind === "maps") cols.push(mapsColumn(i));
      else if (kind === "flatten") cols.push(flattenColumn(i));
      else cols.push(vectorColumn(i));
    });
    cols.push(outputColumn());
    columns.replaceChildren(...cols);
    renderKernels();
    if (selected && !findCanvas(selected.name, selected.channel)) selected = null;
    if (selected) findCanvas(selected.name, selected.channel).parentElement.setAttribute("aria-pressed", "true");
    renderDetail();
  }

  function header(name, type, shape, params, scale, title) {
    const head = el("div", { class: "col-head" },
      el("h3", {}, el("span", { class: "col-name", text: name }), " ", el("span", { class: "col-type", text: type })),
      el("p", { class: "col-meta num" },
        el("span", { title: "output shape", text: shapeText(shape) }),
        " · ",
        el("span", { title: "trainable parameters", text: `${grouped(params)} params` })));
    if (scale) head.append(legend(scale, title));
    return head;
  }

  function inputColumn(input, saliency) {
    const map = plane(input, 0);
    const inScale = scaleFor([0, Math.max(1, extent(map.data)[1])]);
    const px = mapPixels(28, 140 * zoom());
    const salMap = plane(saliency, 0);
    const salScale = scaleFor(extent(salMap.data), { signed: true });
    const salCanvas = el("canvas", { "data-saliency": true, role: "img",
      "aria-label": `Saliency of class ${trace.target_label} over the input, 28×28` });
    drawHeatmap(salCanvas, salMap, salScale);
    salCanvas.style.width = `${px}px`;
    salCanvas.style.height = `${px}px`;
    const salWrap = el("div", { class: "map-wrap saliency-wrap", "data-rf-host": "saliency" }, salCanvas);
    const col = el("section", { class: "net-col col-input", "data-layer": "input", "aria-label": "input" },
      header("input", "28×28 image", [1, 28, 28], 0, inScale, "ink"),
      el("div", { class: "maps maps-1" }, mapButton("input", 0, map, inScale, px, "input image")),
      el("div", { class: "saliency" },
        el("h4", {}, "Saliency for class ", el("strong", { text: trace.target_label })),
        salWrap,
        legend(salScale, "d logit / d pixel"),
        el("p", { id: "net-saliency-help", class: "muted small",
          text: `How much each input pixel would change the score (logit) of class ${trace.target_label} if it were a little darker: orange raises it, blue lowers it.` })));
    col.querySelector(".col-meta").lastChild.textContent = "no params";
    return col;
  }

  function mapsColumn(i) {
    const layer = model.layers[i];
    const name = layer.name;
    const output = decoded[i].output;
    const [channels] = layer.output_shape.slice(-3);
    const [h] = sizes[i];
    const many = channels > 8;
    const px = mapPixels(h, (many ? 64 : 96) * zoom());
    const scale = scales[i];
    const buttons = [];
    for (let c = 0; c < channels; c += 1) {
      buttons.push(mapButton(name, c, plane(output, c), scale, px, `${name} channel ${c}`));
    }
    const title = scale.kind === "diverging" ? "value" : "activation";
    return el("section", { class: "net-col", "data-layer": name, "aria-label": `${name} ${layer.type}` },
      header(name, layer.type, layer.output_shape, layer.parameters, scale, title),
      el("div", { class: `maps ${many ? "maps-2" : "maps-1"}` }, ...buttons));
  }

  function flattenColumn(i) {
    const layer = model.layers[i];
    const from = i > 0 ? shapeText(model.layers[i - 1].output_shape) : "";
    return el("section", { class: "net-col col-flatten", "data-layer": layer.name, "aria-label": `${layer.name} Flatten` },
      el("p", { class: "flatten-note" },
        el("strong", { text: layer.name }), el("br"),
        `${from} → ${shapeText(layer.output_shape)}`, el("br"),
        el("span", { class: "muted", text: "maps laid end to end" })));
  }

  function vectorColumn(i) {
    const layer = model.layers[i];
    const values = Array.from(decoded[i].output.data);
    const scale = scales[i];
    const canvas = barsCanvas(values, scale, layer.name);
    canvas.setAttribute("data-bars", layer.name);
    const readout = el("p", { class: "bar-readout num", "aria-hidden": "true" }, "\u00a0");
    canvas.addEventListener("pointermove", (event) => {
      const rect = canvas.getBoundingClientRect();
      const k = Math.min(values.length - 1, Math.max(0, Math.floor(((event.clientY - rect.top) / rect.height) * values.length)));
      readout.textContent = `unit ${k}: ${fixed(values[k], 3)}`;
    });
    canvas.addEventListener("pointerleave", () => { readout.textContent = "\u00a0"; });
    const last = i === model.layers.length - 1;
    return el("section", { class: "net-col col-vector", "data-layer": layer.name, "aria-label": `${layer.name} ${layer.type}` },
      header(layer.name, layer.type, layer.output_shape, layer.parameters, scale, last ? "logit" : "value"),
      readout, canvas);
  }

  function outputColumn() {
    const rows = trace.classes.map((label, k) => {
      const p = trace.probabilities[k];
      const winner = k === trace.index;
      return el("li", {
        class: `prob${winner ? " winner" : ""}${k === trace.target ? " target" : ""}`,
        "data-output-prob": String(k), "data-value": String(p),
        "aria-label": `class ${label}: ${percent(p)}${winner ? ", predicted" : ""}`,
      },
      el("span", { class: "prob-label", text: label }),
      el("span", { class: "prob-bar", "aria-hidden": "true" },
        el("span", { class: "prob-fill", style: `width: ${Math.max(0, Math.min(100, p * 100))}%` })),
      el("span", { class: "prob-value num", text: percent(p, 1) }));
    });
    return el("section", { class: "net-col col-output", "data-layer": "output", "aria-label": "output probabilities" },
      el("div", { class: "col-head" },
        el("h3", {}, el("span", { class: "col-name", text: "output" }), " ", el("span", { class: "col-type", text: "softmax" })),
        el("p", { class: "col-meta num", text: `${trace.classes.length} classes` })),
      el("p", { class: "prediction" }, "Predicted: ", el("strong", { class: "num", text: trace.label })),
      el("ol", { class: "probs" }, ...rows));
  }

  function renderTargetPicker() {
    const options = [el("option", { value: "", text: `predicted (${trace.label})` })];
    trace.classes.forEach((label, k) => options.push(el("option", { value: String(k), text: `class ${label}` })));
    targetSelect.replaceChildren(...options);
    const chosen = targetClass(store.state, model);
    targetSelect.value = chosen === null ? "" : String(chosen);
  }

  function renderKernels() {
    kernelToggle.setAttribute("aria-pressed", String(showKernels));
    kernelToggle.textContent = showKernels ? "Hide kernels" : "Show kernels";
    kernels.hidden = !showKernels;
    if (!showKernels) return;
    const blocks = [];
    trace.layers.forEach((layer) => {
      if (layer.type !== "Conv2D" || !layer.weight) return;
      const weight = decodeArray(layer.weight);
      const grid = kernelGrid(weight.shape);
      const scale = scaleFor(extent(weight.data), { signed: true });
      const px = Math.max(24, Math.min(48, Math.round(36 / grid.kh) * grid.kh));
      const kernelCanvas = (o, c) => {
        const start = (o * grid.cols + c) * grid.size;
        const map = { height: grid.kh, width: grid.kw, data: weight.data.subarray(start, start + grid.size) };
        const canvas = el("canvas", { role: "img", "data-kernel": `${layer.name}:${o}:${c}`,
          "aria-label": `${layer.name} kernel for output channel ${o}, input channel ${c}` });
        drawHeatmap(canvas, map, scale);
        canvas.style.width = `${px}px`;
        canvas.style.height = `${px}px`;
        return canvas;
      };
      const label = (text, cls) => el("span", { class: `${cls} num`, "aria-hidden": "true", text });
      let gridEl;
      let caption;
      if (grid.cols === 1) {
        // One input channel: one row of kernels, one per output channel, reads better than a column.
        const head = [el("span", { "aria-hidden": "true" })];
        const cells = [label("in 0", "k-row")];
        for (let o = 0; o < grid.rows; o += 1) {
          head.push(label(String(o), "k-col"));
          cells.push(kernelCanvas(o, 0));
        }
        gridEl = el("div", { class: "k-grid", style: `grid-template-columns: auto repeat(${grid.rows}, ${px}px)` }, ...head, ...cells);
        caption = `${grid.rows} kernels of ${grid.kh}×${grid.kw}, one per output channel (numbered above), on the single input channel`;
      } else {
        const head = [el("span", { "aria-hidden": "true" })];
        for (let c = 0; c < grid.cols; c += 1) head.push(label(String(c), "k-col"));
        const cells = [];
        for (let o = 0; o < grid.rows; o += 1) {
          cells.push(label(String(o), "k-row"));
          for (let c = 0; c < grid.cols; c += 1) cells.push(kernelCanvas(o, c));
        }
        gridEl = el("div", { class: "k-grid", style: `grid-template-columns: auto repeat(${grid.cols}, ${px}px)` }, ...head, ...cells);
        caption = `${grid.rows}×${grid.cols} kernels of ${grid.kh}×${grid.kw}: rows = output channels, columns = input channels`;
      }
      blocks.push(el("figure", { class: "k-block", "data-kernels-layer": layer.name },
        el("figcaption", {},
          el("strong", { text: layer.name }), ` ${caption}`),
        legend(scale, "weight"),
        el("div", { class: "k-scroll" }, gridEl)));
    });
    kernels.replaceChildren(el("h2", { text: "Kernels (learned weights)" }),
      blocks.length ? el("div", { class: "k-blocks" }, ...blocks) : el("p", { class: "muted", text: "This model has no convolution layers." }));
  }

  // ---- the enlarged map ------------------------------------------------------------------------
  function layerIndex(name) {
    return name === "input" ? -1 : model.layers.findIndex((l) => l.name === name);
  }

  function mapData(name, channel) {
    if (name === "input") return plane(decodeArray(trace.input), 0);
    return plane(decoded[layerIndex(name)].output, channel);
  }

  function scaleOf(name) {
    if (name === "input") {
      const map = plane(decodeArray(trace.input), 0);
      return scaleFor([0, Math.max(1, extent(map.data)[1])]);
    }
    return scales[layerIndex(name)];
  }

  function findCanvas(name, channel) {
    return columns.querySelector(`canvas[data-map="${name}:${channel}"]`);
  }

  function renderDetail() {
    if (!trace) return;
    if (!selected) {
      detail.replaceChildren(el("h2", { text: "Detail" }),
        el("p", { class: "muted", text: "Click (or press Enter on) any map to enlarge it here. Then hover it, or use the arrow keys, to read each value and see its receptive field." }));
      return;
    }
    const { name, channel } = selected;
    const map = mapData(name, channel);
    const scale = scaleOf(name);
    const i = layerIndex(name);
    const type = i < 0 ? "input" : model.layers[i].type;
    const canvas = el("canvas", { class: "big", "data-detail-map": `${name}:${channel}`, tabindex: "0",
      role: "img", "aria-label": `${name} channel ${channel} enlarged; use the arrow keys to move between cells` });
    drawHeatmap(canvas, map, scale);
    const cursorBox = el("span", { class: "cursor-box", hidden: true });
    const wrap = el("div", { class: "map-wrap big-wrap" }, canvas, cursorBox);
    const readout = el("p", { class: "detail-readout num", "aria-live": "polite" }, "Hover a cell to read its value.");
    const rfText = el("p", { class: "muted rf-text" });
    detail.replaceChildren(
      el("h2", {}, `${name} `, el("span", { class: "col-type", text: `${type}, channel ${channel}` })),
      el("p", { class: "num muted", text: `${map.height}×${map.width} cells` }),
      wrap, legend(scale, scale.kind === "diverging" ? "value" : "activation"), readout, rfText,
      el("button", { type: "button", "data-detail-close": true }, "Close"));
    detail.querySelector("[data-detail-close]").addEventListener("click", () => {
      const back = findCanvas(name, channel);
      selected = null;
      cursor = null;
      clearField();
      renderDetail();
      if (back) back.parentElement.focus();
    });

    const show = (row, col) => {
      cursor = { row, col };
      const value = map.data[row * map.width + col];
      readout.textContent = `row ${row}, col ${col}: ${fixed(value, 3)}`;
      const place = boxPercent({ top: row, left: col, bottom: row, right: col }, map.height, map.width);
      Object.assign(cursorBox.style, { left: `${place.left}%`, top: `${place.top}%`, width: `${place.width}%`, height: `${place.height}%` });
      cursorBox.hidden = false;
      const field = showField(name, channel, row, col);
      const first = field[field.length - 1];
      rfText.textContent = i >= 0 && first
        ? `Receptive field: input rows ${first.top}–${first.bottom}, columns ${first.left}–${first.right} (${first.bottom - first.top + 1}×${first.right - first.left + 1} pixels).`
        : "";
    };
    const hide = () => {
      cursorBox.hidden = true;
      clearField();
    };
    canvas.addEventListener("pointermove", (event) => {
      const rect = canvas.getBoundingClientRect();
      const { row, col } = cellAtPoint(event.clientX - rect.left, event.clientY - rect.top, rect.width, rect.height, map.height, map.width);
      show(row, col);
    });
    canvas.addEventListener("pointerleave", () => { if (document.activeElement !== canvas) hide(); });
    canvas.addEventListener("focus", () => show(cursor ? cursor.row : Math.floor(map.height / 2), cursor ? cursor.col : Math.floor(map.width / 2)));
    canvas.addEventListener("blur", hide);
    canvas.addEventListener("keydown", (event) => {
      const move = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key];
      if (!move) return;
      event.preventDefault();
      const base = cursor || { row: 0, col: 0 };
      show(Math.min(map.height - 1, Math.max(0, base.row + move[0])), Math.min(map.width - 1, Math.max(0, base.col + move[1])));
    });
  }

  // ---- receptive fields ------------------------------------------------------------------------
  function clearField() {
    for (const box of root.querySelectorAll(".rf-box, .rf-copy")) box.remove();
    for (const node of root.querySelectorAll(".rf-source")) node.classList.remove("rf-source");
  }

  function addBox(host, box, rows, cols, attrs) {
    const place = boxPercent(box, rows, cols);
    const span = el("span", { class: "rf-box", "aria-hidden": "true", ...attrs });
    Object.assign(span.style, { left: `${place.left}%`, top: `${place.top}%`, width: `${place.width}%`, height: `${place.height}%` });
    host.append(span);
  }

  /** Draw the receptive field of (row, col) on map NAME:channel in every earlier column. */
  function showField(name, channel, row, col) {
    clearField();
    const index = layerIndex(name);
    const field = namedField(model.spec.layers, sizes, INPUT_SIZE, index, row, col);
    for (const box of field) {
      const [rows, cols] = box.index < 0 ? INPUT_SIZE : sizes[box.index];
      if (box.name === name) {
        const hostCanvas = findCanvas(name, channel);
        if (hostCanvas) {
          hostCanvas.parentElement.classList.add("rf-source");
          addBox(hostCanvas.parentElement, box, rows, cols, { "data-rf-layer": name, class: "rf-box rf-cell" });
        }
        continue;
      }
      const canvases = columns.querySelectorAll(`[data-layer="${box.name}"] canvas[data-map]`);
      canvases.forEach((canvas, k) => {
        // The first map of a layer carries the contract hook; the others show the same box.
        const attrs = k === 0 ? { "data-rf-layer": box.name } : { class: "rf-box rf-copy", "data-rf-copy": box.name };
        addBox(canvas.parentElement, box, rows, cols, attrs);
      });
      if (box.name === "input") {
        const sal = columns.querySelector("[data-rf-host=saliency]");
        if (sal) addBox(sal, box, rows, cols, { class: "rf-box rf-copy", "data-rf-copy": "saliency" });
      }
    }
    return field;
  }

  // ---- events ----------------------------------------------------------------------------------
  columns.addEventListener("pointermove", (event) => {
    const canvas = event.target.closest ? event.target.closest("canvas[data-map]") : null;
    if (!canvas || !model || !trace) return;
    const [name, channel] = canvas.dataset.map.split(":");
    const rect = canvas.getBoundingClientRect();
    const { row, col } = cellAtPoint(event.clientX - rect.left, event.clientY - rect.top, rect.width, rect.height, canvas.height, canvas.width);
    showField(name, Number(channel), row, col);
  });
  columns.addEventListener("pointerout", (event) => {
    const from = event.target.closest ? event.target.closest(".map-btn") : null;
    if (!from) return;
    if (event.relatedTarget && from.contains(event.relatedTarget)) return;
    clearField();
  });
  columns.addEventListener("click", (event) => {
    const button = event.target.closest(".map-btn");
    if (!button) return;
    selected = { name: button.dataset.layerName, channel: Number(button.dataset.channel) };
    cursor = null;
    for (const b of columns.querySelectorAll(".map-btn[aria-pressed]")) b.removeAttribute("aria-pressed");
    button.setAttribute("aria-pressed", "true");
    renderDetail();
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
    if (trace) renderKernels();
    else kernelToggle.setAttribute("aria-pressed", String(showKernels));
  });

  store.watch(["model", "digit", "target"], (state, changed) => {
    if (changed.has("model")) { model = null; selected = null; }
    requestLoad();
  });
  store.watch(["tab"], (state) => {
    if (state.tab === "network" && dirty) requestAnimationFrame(() => { if (!root.hidden) load(); });
  });

  renderDetail();
  kernels.hidden = !showKernels;
  kernelToggle.setAttribute("aria-pressed", String(showKernels));
  kernelToggle.textContent = showKernels ? "Hide kernels" : "Show kernels";
  load();
}
