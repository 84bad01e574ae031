// The Pooling & backprop view: max pooling over a whole feature map (every window's winner
// marked), average pooling beside it, the backward pass through pooling animated (gradients fly
// to the winners, or spread evenly for average pooling), translation invariance, the backward
// convolution stepped position by position, and the saliency map over the drawing.
import * as api from "../api.js";
import { announce, currentDigit, describeModel, targetClass, traceOf } from "../shell.js";
import { decodeArray, extent, fromRows, plane, toRows } from "../lib/arrays.js";
import { css, inkOn, scaleFor } from "../lib/colour.js";
import { compact, fixed, percent } from "../lib/format.js";
import { layerWindow } from "../lib/geometry.js";
import {
  avgPool2d, avgPoolBackward, cosineSimilarity, maxAbs, maxDifference, maxPoolBackward, shift2d,
} from "../lib/pooling.js";
import { drawHeatmap, legend } from "../components/heatmap.js";
import { gradientFlow, reducedMotion } from "../components/gradflow.js";
import { el } from "../components/dom.js";

const SVG = "http://www.w3.org/2000/svg";

// -- small DOM helpers -----------------------------------------------------------------------

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  return node;
}

/** A canvas showing `map` with `scale`, sized by CSS (class `map`), with an accessible name. */
function mapCanvas(map, scale, label) {
  const canvas = document.createElement("canvas");
  drawHeatmap(canvas, map, scale);
  canvas.setAttribute("role", "img");
  const [lo, hi] = extent(map.data);
  canvas.setAttribute("aria-label", `${label}: ${map.height}×${map.width} map, values ${compact(lo)} to ${compact(hi)}`);
  return canvas;
}

/** A map with an SVG overlay in map coordinates (viewBox = W×H), for grids, windows and marks. */
function stage(map, scale, label, className = "") {
  const canvas = mapCanvas(map, scale, label);
  const overlay = svg("svg", {
    viewBox: `0 0 ${map.width} ${map.height}`, preserveAspectRatio: "none", "aria-hidden": "true",
  });
  overlay.classList.add("pool-overlay");
  const root = el("div", { class: `pool-stage ${className}` }, canvas);
  root.append(overlay);
  return { root, canvas, overlay };
}

/** A small grid of numbers, each cell coloured by `scale`; `mark` = [row, col] to ring. */
function numberGrid(matrix, scale, { mark = null, label = "", digits = 2, hook = null, power = 0 } = {}) {
  const cols = matrix[0] ? matrix[0].length : 0;
  const unit = 10 ** power;
  const grid = el("div", { class: "pool-grid", role: "table", "aria-label": label });
  if (hook) grid.setAttribute(hook, "");
  grid.style.gridTemplateColumns = `repeat(${cols}, minmax(0, 1fr))`;
  matrix.forEach((row, r) => {
    row.forEach((value, c) => {
      const rgb = scale.colour(value);
      const cell = el("span", { class: "pool-cell num", role: "cell", text: fixed(value / unit, digits) });
      cell.title = fixed(value, 6);
      cell.style.background = css(rgb);
      cell.style.color = inkOn(rgb);
      if (mark && mark[0] === r && mark[1] === c) {
        cell.classList.add("is-winner");
        cell.setAttribute("data-window-winner", "");
      }
      grid.append(cell);
    });
  });
  return grid;
}

/** The power of ten that brings the largest |value| of `matrix` to 1–10 (0 when it is 0 or
 * already between 0.1 and 100), so small gradients show as a few readable digits "× 10^p". */
function powerOf(matrix) {
  const bound = Math.max(0, ...matrix.flat().map(Math.abs));
  if (!bound || (bound >= 0.1 && bound < 100)) return 0;
  return Math.floor(Math.log10(bound));
}
const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
const powerText = (p) => (p ? ` (× 10${String(p).split("").map((ch) => SUPERSCRIPT[ch]).join("")})` : "");

const kernelOf = (spec) => {
  const w = layerWindow(spec);
  if (!w) return null;
  const k = Array.isArray(w.k) ? w.k[0] : w.k;
  const s = Array.isArray(w.s) ? w.s[0] : w.s;
  return { k, s };
};

const isPool = (type) => /Pool/.test(type);

// -- the view ----------------------------------------------------------------------------------

export function mount(root, store) {
  root.classList.add("pooling-view");
  root.replaceChildren();

  const local = {
    info: null,          // GET /api/models/{id}
    trace: null,         // the trace for the current digit and target
    layers: null,        // decoded trace layers by name
    sel: { row: 0, col: 0 },
    shift: { dy: 1, dx: 1 },
    bconv: { layer: null, channel: 0, input: 0, position: 0 },
  };
  const controllers = {};
  function fresh(key) {
    if (controllers[key]) controllers[key].abort();
    controllers[key] = new AbortController();
    return controllers[key].signal;
  }
  const isAbort = (error) => error && error.name === "AbortError";

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

  function showError(message) {
    errorBox.hidden = !message;
    errorBox.textContent = message || "";
  }

  // ---- geometry of the chosen pooling layer ----
  function poolContext() {
    if (!local.info || !local.layers) return null;
    const specLayers = local.info.spec.layers;
    const name = store.state.pool;
    const index = specLayers.findIndex((l) => l.name === name);
    if (index < 0 || !isPool(specLayers[index].type)) return null;
    const spec = specLayers[index];
    const { k, s } = kernelOf(spec);
    const out = local.layers[name];
    const channels = out.output.shape[1];
    const channel = Math.min(Math.max(0, Number(store.state.channel) || 0), channels - 1);
    const prevName = index > 0 ? specLayers[index - 1].name : null;
    const input = prevName ? local.layers[prevName].output : local.inputArray;
    const inputGrad = prevName ? local.layers[prevName].gradient : local.saliency;
    return {
      name, spec, index, k, s, channel, channels, prevName: prevName || "input",
      isMax: spec.type === "MaxPool2D" && Boolean(out.indices),
      input: plane(input, channel),
      output: plane(out.output, channel),
      grad: plane(out.gradient, channel),
      inputGrad: plane(inputGrad, channel),
      indices: out.indices ? plane(out.indices, channel).data : null,
    };
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
    const pools = local.info.spec.layers.filter((l) => isPool(l.type));
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
      loadShift();
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

  function renderAll() {
    const ctx = poolContext();
    if (!ctx) {
      for (const s of [s1, s2, s3, s4]) s.replaceChildren();
      renderBackwardConv();
      renderSaliency();
      return;
    }
    layerSelect.value = ctx.name;
    fillChannelSelect(ctx);
    local.sel.row = Math.min(local.sel.row, ctx.output.height - 1);
    local.sel.col = Math.min(local.sel.col, ctx.output.width - 1);
    renderWholeMap(ctx);
    renderAverage(ctx);
    renderBackprop(ctx);
    renderShiftFrame(ctx);
    renderBackwardConv();
    renderSaliency();
  }

  // ---- 1. max pooling over the whole map ----
  let section1 = null;
  function renderWholeMap(ctx) {
    const scale = scaleFor(extent([...ctx.input.data, ...ctx.output.data]));
    const kind = ctx.isMax ? "max" : "average";
    const title = el("h2", { id: "pool-h1", text: `1 · ${ctx.isMax ? "Max" : "Average"} pooling over the whole map` });
    const lead = el("p", {},
      `${ctx.name} slides a ${ctx.k}×${ctx.k} window with stride ${ctx.s} over ${ctx.prevName}'s channel ${ctx.channel} `
      + `(${ctx.input.height}×${ctx.input.width}) and keeps the ${kind} of each window: ${ctx.output.height}×${ctx.output.width} outputs.`
      + (ctx.isMax ? " The ring marks each window's winner; faint rings mark ties (e.g. a window of zeros), where the first cell wins." : ""));

    const big = stage(ctx.input, scale, `${ctx.prevName} channel ${ctx.channel}, the pooling input`, "pool-stage-input");
    big.root.tabIndex = 0;
    big.root.setAttribute("data-pool-input", "");
    big.root.setAttribute("aria-label", `Pooling windows over ${ctx.prevName}: use the arrow keys to pick a window`);
    big.root.setAttribute("role", "application");
    // the window grid
    const grid = svg("g", { class: "pool-gridlines" });
    for (let r = 0; r < ctx.output.height; r += 1) {
      for (let c = 0; c < ctx.output.width; c += 1) {
        grid.append(svg("rect", { x: c * ctx.s, y: r * ctx.s, width: ctx.k, height: ctx.k }));
      }
    }
    big.overlay.append(grid);
    // the winners
    if (ctx.indices) {
      const winners = svg("g", { class: "pool-winners" });
      for (let i = 0; i < ctx.indices.length; i += 1) {
        const idx = ctx.indices[i];
        const wr = Math.floor(idx / ctx.input.width);
        const wc = idx % ctx.input.width;
        const dot = svg("circle", { cx: wc + 0.5, cy: wr + 0.5, r: 0.36, "data-winner": "", "data-out": i });
        // a tie (e.g. a window of zeros): the first cell wins; drawn faint so real winners stand out
        const orow = Math.floor(i / ctx.output.width);
        const ocol = i % ctx.output.width;
        let ties = 0;
        for (let a = 0; a < ctx.k; a += 1) {
          for (let b = 0; b < ctx.k; b += 1) {
            const r = orow * ctx.s + a;
            const c = ocol * ctx.s + b;
            if (r < ctx.input.height && c < ctx.input.width && ctx.input.data[r * ctx.input.width + c] === ctx.input.data[idx]) ties += 1;
          }
        }
        if (ties > 1) dot.classList.add("is-tie");
        winners.append(dot);
      }
      big.overlay.append(winners);
    }
    const windowRect = svg("rect", { class: "pool-window", "data-pool-window": "", width: ctx.k, height: ctx.k });
    big.overlay.append(windowRect);

    const small = stage(ctx.output, scale, `${ctx.name} channel ${ctx.channel}, the pooled output`, "pool-stage-output");
    small.root.setAttribute("data-pool-output", "");
    const cellRect = svg("rect", { class: "pool-window", width: 1, height: 1 });
    small.overlay.append(cellRect);

    const detail = el("div", { class: "pool-detail", "data-pool-detail": "", "aria-live": "polite" });
    const figures = el("div", { class: "pool-figures" },
      el("figure", { class: "pool-fig pool-fig-big" }, big.root,
        el("figcaption", { text: `${ctx.prevName} · channel ${ctx.channel} · ${ctx.input.height}×${ctx.input.width} (input of ${ctx.name})` })),
      el("figure", { class: "pool-fig pool-fig-small" }, small.root,
        el("figcaption", { text: `${ctx.name} · ${ctx.output.height}×${ctx.output.width} (output)` })),
      detail,
    );
    s1.replaceChildren(title, lead, figures, legend(scale, "activation"),
      el("p", { class: "muted", text: "Hover or click a window (or focus the map and use the arrow keys) to see its numbers." }));

    section1 = { ctx, windowRect, cellRect, detail, scale };
    placeSelection();

    const pick = (event, target, cellW, cellH) => {
      const box = target.getBoundingClientRect();
      const x = ((event.clientX - box.left) / box.width) * cellW;
      const y = ((event.clientY - box.top) / box.height) * cellH;
      return [y, x];
    };
    const fromInput = (event) => {
      const [y, x] = pick(event, big.root, ctx.input.width, ctx.input.height);
      const row = Math.min(ctx.output.height - 1, Math.max(0, Math.floor(y / ctx.s)));
      const col = Math.min(ctx.output.width - 1, Math.max(0, Math.floor(x / ctx.s)));
      select(row, col);
    };
    const fromOutput = (event) => {
      const [y, x] = pick(event, small.root, ctx.output.width, ctx.output.height);
      select(Math.min(ctx.output.height - 1, Math.floor(y)), Math.min(ctx.output.width - 1, Math.floor(x)));
    };
    big.root.addEventListener("click", fromInput);
    big.root.addEventListener("pointermove", (event) => { if (event.pointerType === "mouse") fromInput(event); });
    small.root.addEventListener("click", fromOutput);
    small.root.addEventListener("pointermove", (event) => { if (event.pointerType === "mouse") fromOutput(event); });
    big.root.addEventListener("keydown", (event) => {
      const move = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key];
      if (!move) return;
      event.preventDefault();
      const row = Math.min(ctx.output.height - 1, Math.max(0, local.sel.row + move[0]));
      const col = Math.min(ctx.output.width - 1, Math.max(0, local.sel.col + move[1]));
      select(row, col);
    });
    loadWindow();
  }

  function placeSelection() {
    if (!section1) return;
    const { ctx, windowRect, cellRect } = section1;
    windowRect.setAttribute("x", local.sel.col * ctx.s);
    windowRect.setAttribute("y", local.sel.row * ctx.s);
    cellRect.setAttribute("x", local.sel.col);
    cellRect.setAttribute("y", local.sel.row);
  }

  let selectTimer = 0;
  function select(row, col) {
    if (row === local.sel.row && col === local.sel.col) return;
    local.sel = { row, col };
    placeSelection();
    clearTimeout(selectTimer);
    selectTimer = setTimeout(loadWindow, 60);
  }

  async function loadWindow() {
    if (!section1) return;
    const { ctx, detail, scale } = section1;
    const { row, col } = local.sel;
    const g = ctx.grad.data[row * ctx.output.width + col];
    const signal = fresh("window");
    try {
      const step = await api.poolStep(store.state.model, currentDigit(), {
        layer: ctx.name, channel: ctx.channel, row, col, upstream: g,
      }, signal);
      if (signal.aborted) return;
      const mark = step.winner ? [step.winner.window_row, step.winner.window_col] : null;
      const gradScale = scaleFor([-maxAbs(step.routed.flat()), maxAbs(step.routed.flat())], { signed: true });
      const mean = step.window.flat().reduce((a, b) => a + b, 0) / step.window.flat().length;
      const values = step.window.flat();
      const tie = step.winner && values.filter((v) => v === step.output).length > 1;
      detail.replaceChildren(...[
        el("h3", { text: `Window (${row}, ${col})` }),
        el("p", { class: "muted", text: `rows ${step.rows[0]}–${step.rows.at(-1)}, columns ${step.cols[0]}–${step.cols.at(-1)} of ${ctx.prevName}` }),
        numberGrid(step.window, scale, { mark, label: `the window's ${step.window.length * step.window[0].length} values`, hook: "data-pool-window-values", digits: 3 }),
        el("p", { class: "pool-big-number" },
          el("span", { text: step.winner ? "max = " : "output = " }),
          el("strong", { class: "num", "data-pool-output-value": "", text: fixed(step.output, 3) })),
        step.winner
          ? el("p", { class: "muted", text: `The winner sits at row ${step.winner.row}, column ${step.winner.col}.`
            + (tie ? " Several values tie for the maximum: the first one (reading row by row) wins, as in PyTorch." : "")
            + ` The average would be ${fixed(mean, 3)} (computed here).` })
          : null,
        el("h3", { text: "On the way back" }),
        el("p", {}, "The gradient arriving here is g = ", el("strong", { class: "num", text: fixed(step.upstream, 4) }),
          step.winner ? ". All of it goes to the winner; the other cells get 0:" : ". Each cell gets an equal share:"),
        numberGrid(step.routed, gradScale, { mark, label: "the gradient each window cell receives", digits: 4, hook: "data-pool-routed" }),
      ].filter(Boolean));
      announce(`Window ${row}, ${col}: output ${fixed(step.output, 3)}`);
    } catch (error) {
      if (isAbort(error)) return;
      detail.replaceChildren(el("p", { class: "error", role: "alert", text: `The window could not be loaded: ${error.message}` }));
    }
  }

  // ---- 2. average pooling for comparison ----
  function renderAverage(ctx) {
    const avg = avgPool2d(ctx.input, ctx.k, ctx.s);
    const scale = scaleFor(extent([...ctx.input.data, ...ctx.output.data]));
    const mine = ctx.isMax ? "max" : "average";
    s2.replaceChildren(
      el("h2", { id: "pool-h2", text: "2 · Average pooling, for comparison" }),
      el("p", {}, ctx.isMax
        ? "Average pooling keeps the mean of each window instead of its maximum. The model uses max pooling, so this map is computed here in the page from the same input map."
        : "This layer already averages; the map below is recomputed here in the page from its input."),
      el("div", { class: "pool-pair" },
        el("figure", { class: "pool-fig" }, stage(ctx.output, scale, `${mine} pooled map`).root,
          el("figcaption", { text: `${ctx.isMax ? "Max" : "Average"} pooling (the network)` })),
        el("figure", { class: "pool-fig", "data-avg-pool": "" }, stage(avg, scale, "average pooled map").root,
          el("figcaption", { text: "Average pooling (computed here)" })),
      ),
      legend(scale, "activation"),
      el("p", { class: "muted", text: "Max pooling keeps sharp, strong strokes; averaging blurs them and dims thin lines, because the quiet cells of each window pull the mean down." }),
    );
  }

  // ---- 3. the backward pass, animated ----
  let flows = [];
  function renderBackprop(ctx) {
    for (const f of flows) f.flow.stop();
    const { height, width } = ctx.input;
    const routedMax = ctx.indices ? maxPoolBackward(ctx.grad, ctx.indices, height, width) : null;
    const routedAvg = avgPoolBackward(ctx.grad, ctx.k, ctx.s, height, width);
    const bound = maxAbs(ctx.grad.data, ctx.inputGrad.data);
    const scale = scaleFor([-bound, bound], { signed: true });
    const cls = local.trace.target_label;
    const play = el("button", { class: "primary pool-play", type: "button", "data-backprop-play": "" }, "▶ Play the backward pass");
    const show = el("button", { type: "button", "data-backprop-end": "" }, "Show the result");
    const state = el("p", { class: "muted", "data-backprop-state": "", "aria-live": "polite" });

    const blocks = [];
    flows = [];
    if (routedMax) {
      const routes = [];
      for (let i = 0; i < ctx.grad.data.length; i += 1) {
        if (ctx.grad.data[i] !== 0) routes.push({ from: i, to: [[ctx.indices[i], ctx.grad.data[i]]] });
      }
      const canvas = el("canvas", { class: "pool-flow", "data-backprop-max": "", role: "img",
        "aria-label": `Max pooling backward: each of the ${ctx.grad.data.length} upstream gradients of ${ctx.name} goes to its window's winner in ${ctx.prevName}; the other cells get 0.` });
      const flow = gradientFlow(canvas);
      flows.push({ flow, data: { source: ctx.grad, target: routedMax, routes, scale, window: ctx,
        labels: [`∂logit/∂${ctx.name}  (${ctx.grad.height}×${ctx.grad.width})`, `∂logit/∂${ctx.prevName}  (${height}×${width})`] } });
      const diff = maxDifference(routedMax.data, ctx.inputGrad.data);
      const matches = diff <= 1e-5 * bound + 1e-7;
      blocks.push(el("div", { class: "pool-flow-block" },
        el("h3", { text: `Max pooling: all of g goes to the winner` }),
        canvas,
        el("p", { class: matches ? "pool-check good" : "pool-check bad", "data-backprop-check": matches ? "match" : "mismatch" },
          matches
            ? `✓ Matches the network's backward pass: routing the gradients to the winners gives the trace's gradient at ${ctx.prevName} (largest difference ${compact(diff)}).`
            : `✗ Differs from the network's gradient at ${ctx.prevName} by up to ${compact(diff)}.`),
      ));
    }
    {
      const share = 1 / (ctx.k * ctx.k);
      const routes = [];
      for (let r = 0; r < ctx.grad.height; r += 1) {
        for (let c = 0; c < ctx.grad.width; c += 1) {
          const g = ctx.grad.data[r * ctx.grad.width + c];
          if (g === 0) continue;
          const to = [];
          for (let i = 0; i < ctx.k; i += 1) {
            for (let j = 0; j < ctx.k; j += 1) to.push([(r * ctx.s + i) * width + c * ctx.s + j, g * share]);
          }
          routes.push({ from: r * ctx.grad.width + c, to });
        }
      }
      const canvas = el("canvas", { class: "pool-flow", "data-backprop-avg": "", role: "img",
        "aria-label": `Average pooling backward: each upstream gradient is spread evenly, g / ${ctx.k * ctx.k}, over its ${ctx.k}×${ctx.k} window.` });
      const flow = gradientFlow(canvas);
      flows.push({ flow, data: { source: ctx.grad, target: routedAvg, routes, scale, window: ctx,
        labels: [`∂logit/∂output  (${ctx.grad.height}×${ctx.grad.width})`, `∂logit/∂input  (${height}×${width})`] } });
      const padded = (layerWindow(ctx.spec) || {}).p;
      let note;
      if (ctx.isMax) {
        note = el("p", { class: "muted", text: `Computed here for comparison: every cell of a window gets 1/${ctx.k * ctx.k} of the blame, so the gradient map is blurrier and weaker.` });
      } else {
        const diff = maxDifference(routedAvg.data, ctx.inputGrad.data);
        const matches = !padded && diff <= 1e-5 * bound + 1e-7;
        note = el("p", { class: matches ? "pool-check good" : "pool-check bad", "data-backprop-check": matches ? "match" : "mismatch" },
          matches
            ? `✓ Matches the network's backward pass: spreading each gradient evenly gives the trace's gradient at ${ctx.prevName} (largest difference ${compact(diff)}).`
            : `✗ Differs from the network's gradient at ${ctx.prevName} by up to ${compact(diff)}${padded ? " (this layer pads its input, which the page's computation leaves out)" : ""}.`);
      }
      blocks.push(el("div", { class: "pool-flow-block" },
        el("h3", { text: `Average pooling: g is spread evenly, g / ${ctx.k * ctx.k} to each cell` }),
        canvas,
        note,
      ));
    }
    const zeros = ctx.grad.data.filter((g) => g === 0).length;
    s3.replaceChildren(
      el("h2", { id: "pool-h3", text: "3 · The backward pass through pooling" }),
      el("p", {}, `Each output of ${ctx.name} receives a gradient: how much the logit of class ${cls} would change if that output grew. `
        + (ctx.isMax
          ? "Max pooling passes it back only to the cell that won the window — the others did not affect the output, so their gradient is 0."
          : "Average pooling shares it equally among the cells of the window.")
        + (zeros ? ` (${zeros} of ${ctx.grad.data.length} outputs get no gradient at all here.)` : "")),
      el("div", { class: "row" }, play, show, legend(scale, `gradient of the class-${cls} logit`)),
      state,
      ...blocks,
    );
    for (const { flow, data } of flows) flow.setData(data);
    const finish = () => { state.textContent = "Done: every gradient has reached its input cell."; root.dataset.backprop = "done"; };
    play.addEventListener("click", () => {
      root.dataset.backprop = "playing";
      let left = flows.length;
      state.textContent = reducedMotion() ? "" : "The gradients are flowing back…";
      for (const { flow } of flows) flow.play(() => { left -= 1; if (!left) finish(); });
      announce("Backward pass played: the gradients reached their winners.");
    });
    show.addEventListener("click", () => { for (const { flow } of flows) flow.showEnd(); finish(); });
    if (reducedMotion()) { for (const { flow } of flows) flow.showEnd(); finish(); }
    else root.dataset.backprop = "ready";
  }

  // ---- 4. translation invariance ----
  let shiftBody = null;
  function renderShiftFrame(ctx) {
    const buttons = [1, 2, 3].map((n) => {
      const b = el("button", { type: "button", "data-shift": n, "aria-pressed": String(local.shift.dx === n) }, `${n} px`);
      b.addEventListener("click", () => { local.shift = { dy: local.shift.dy ? n : 0, dx: n }; renderShiftFrame(poolContext()); loadShift(); });
      return b;
    });
    const down = el("input", { type: "checkbox", "data-shift-down": "" });
    down.checked = Boolean(local.shift.dy);
    down.addEventListener("change", () => { local.shift = { dy: down.checked ? local.shift.dx : 0, dx: local.shift.dx }; loadShift(); });
    shiftBody = el("div", { class: "pool-shift-body", "data-shift-body": "" }, el("p", { class: "muted", text: "Tracing the shifted drawing…" }));
    s4.replaceChildren(
      el("h2", { id: "pool-h4", text: "4 · Translation invariance" }),
      el("p", { text: `Move the drawing a few pixels and compare ${ctx.name}'s map before and after pooling: pooling keeps the maximum of a window, so a small shift often changes little.` }),
      el("div", { class: "row" }, el("span", { text: "Shift right by" }), ...buttons,
        el("label", {}, down, "and down by the same")),
      shiftBody,
    );
  }

  async function loadShift() {
    const ctx = poolContext();
    if (!ctx || !shiftBody) return;
    const signal = fresh("shift");
    const id = store.state.model;
    try {
      // The unshifted side is the trace already loaded; only the shifted digit is traced anew.
      const original = toRows(plane(local.inputArray, 0));
      const shifted = shift2d(original, local.shift.dy, local.shift.dx);
      const b = await api.trace(id, { pixels: shifted }, null, signal);
      if (signal.aborted) return;
      renderShift(ctx, local.trace, b, original, shifted);
    } catch (error) {
      if (isAbort(error)) return;
      shiftBody.replaceChildren(el("p", { class: "error", role: "alert", text: `The shifted drawing could not be traced: ${error.message}` }));
    }
  }

  function renderShift(ctx, a, b, original, shifted) {
    const byName = (trace, name) => decodeArray(trace.layers.find((l) => l.name === name).output);
    const prevA = plane(ctx.prevName === "input" ? decodeArray(a.input) : byName(a, ctx.prevName), ctx.channel);
    const prevB = plane(ctx.prevName === "input" ? decodeArray(b.input) : byName(b, ctx.prevName), ctx.channel);
    const poolA = plane(byName(a, ctx.name), ctx.channel);
    const poolB = plane(byName(b, ctx.name), ctx.channel);
    const simBefore = cosineSimilarity(prevA.data, prevB.data);
    const simAfter = cosineSimilarity(poolA.data, poolB.data);
    const inputScale = scaleFor([0, 1]);
    const preScale = scaleFor(extent([...prevA.data, ...prevB.data]));
    const poolScale = scaleFor(extent([...poolA.data, ...poolB.data]));
    const shiftText = `${local.shift.dx} px right${local.shift.dy ? ` and ${local.shift.dy} px down` : ""}`;
    const fig = (map, scale, caption, cls) => el("figure", { class: `pool-fig ${cls || ""}` },
      stage(map, scale, caption).root, el("figcaption", { text: caption }));
    const score = (value, what, hook) => el("div", { class: "pool-score" },
      el("span", { class: "muted", text: what }),
      el("strong", { class: "num", [hook]: "", "data-value": value.toFixed(6), text: fixed(value, 3) }));
    shiftBody.replaceChildren(
      el("div", { class: "pool-shift-grid" },
        el("div", { class: "pool-shift-row" },
          el("h3", { text: "The input" }),
          fig(fromRows(original), inputScale, "original"),
          fig(fromRows(shifted), inputScale, `shifted ${shiftText}`),
        ),
        el("div", { class: "pool-shift-row" },
          el("h3", { text: `Before pooling: ${ctx.prevName}, channel ${ctx.channel}` }),
          fig(prevA, preScale, "original"), fig(prevB, preScale, "shifted"),
          score(simBefore, "cosine similarity", "data-similarity-before"),
        ),
        el("div", { class: "pool-shift-row" },
          el("h3", { text: `After pooling: ${ctx.name}, channel ${ctx.channel}` }),
          fig(poolA, poolScale, "original"), fig(poolB, poolScale, "shifted"),
          score(simAfter, "cosine similarity", "data-similarity"),
        ),
      ),
      el("p", { class: "pool-verdict" }, simAfter > simBefore
        ? `Pooling made the two maps more alike: ${fixed(simBefore, 3)} → ${fixed(simAfter, 3)}.`
        : `Here pooling did not make the maps more alike (${fixed(simBefore, 3)} → ${fixed(simAfter, 3)}): a shift that crosses the window grid can move a winner into the next window.`),
      el("p", { class: "muted", text: `Predicted: ${a.label} for the original, ${b.label} for the shifted drawing. Cosine similarity is 1 when two maps point the same way and 0 when they share nothing; it is computed here from the two traces.` }),
    );
  }

  // ---- 5. the backward convolution, stepped ----
  function convLayers() {
    return local.info ? local.info.spec.layers.filter((l) => l.type === "Conv2D") : [];
  }

  function bconvDefaults() {
    const convs = convLayers();
    if (!convs.length) return;
    if (!convs.some((l) => l.name === local.bconv.layer)) {
      // the conv layer that feeds the chosen pooling layer, else the first
      const specLayers = local.info.spec.layers;
      const pi = specLayers.findIndex((l) => l.name === store.state.pool);
      let pick = convs[0].name;
      for (let i = pi - 1; i >= 0; i -= 1) if (specLayers[i].type === "Conv2D") { pick = specLayers[i].name; break; }
      local.bconv.layer = pick;
      local.bconv.channel = Number(store.state.channel) || 0;
      local.bconv.position = null;
    }
  }

  let bconvParts = null;
  function renderBackwardConv() {
    const convs = convLayers();
    if (!convs.length || !local.layers) {
      s5.replaceChildren(el("h2", { id: "pool-h5", text: "5 · The backward convolution" }),
        el("p", { class: "muted", text: "This model has no convolution layer." }));
      bconvParts = null;
      return;
    }
    bconvDefaults();
    const b = local.bconv;
    const specLayers = local.info.spec.layers;
    const index = specLayers.findIndex((l) => l.name === b.layer);
    const spec = specLayers[index];
    const out = local.layers[b.layer];
    const channels = out.output.shape[1];
    b.channel = Math.min(b.channel, channels - 1);
    b.input = Math.min(b.input, spec.in_channels - 1);
    const upstream = plane(out.gradient, b.channel);
    const prevName = index > 0 ? specLayers[index - 1].name : "input";
    const dx = plane(index > 0 ? local.layers[prevName].gradient : local.saliency, b.input);
    const xin = plane(index > 0 ? local.layers[prevName].output : local.inputArray, b.input);
    if (b.position === null || b.position >= upstream.data.length) {
      // start where the largest gradient arrives: the clearest example
      let best = 0;
      for (let i = 1; i < upstream.data.length; i += 1) {
        if (Math.abs(upstream.data[i]) > Math.abs(upstream.data[best])) best = i;
      }
      b.position = best;
    }

    const layerSel = el("select", { "data-bconv-layer": "" }, ...convs.map((l) => el("option", { value: l.name, text: l.name })));
    layerSel.value = b.layer;
    layerSel.addEventListener("change", () => { b.layer = layerSel.value; b.position = null; renderBackwardConv(); });
    const chSel = el("select", { "data-bconv-channel": "" },
      ...Array.from({ length: channels }, (_, i) => el("option", { value: String(i), text: String(i) })));
    chSel.value = String(b.channel);
    chSel.addEventListener("change", () => { b.channel = Number(chSel.value); b.position = null; renderBackwardConv(); });
    const inSel = el("select", { "data-bconv-input": "" },
      ...Array.from({ length: spec.in_channels }, (_, i) => el("option", { value: String(i), text: String(i) })));
    inSel.value = String(b.input);
    inSel.addEventListener("change", () => { b.input = Number(inSel.value); renderBackwardConv(); });

    const back = el("button", { type: "button", "data-bconv-back": "" }, "◀ Back");
    const next = el("button", { type: "button", class: "primary", "data-bconv-next": "" }, "Step ▶");
    const skip = el("button", { type: "button", "data-bconv-skip": "" }, "Next non-zero g ▶▶");
    const posLabel = el("span", { class: "num pool-pos", "data-bconv-position": "" });
    const n = upstream.data.length;
    back.addEventListener("click", () => { b.position = (b.position - 1 + n) % n; loadConvStep(); });
    next.addEventListener("click", () => { b.position = (b.position + 1) % n; loadConvStep(); });
    skip.addEventListener("click", () => {
      for (let i = 1; i <= n; i += 1) {
        const p = (b.position + i) % n;
        if (upstream.data[p] !== 0) { b.position = p; break; }
      }
      loadConvStep();
    });

    const gBound = maxAbs(upstream.data);
    const gScale = scaleFor([-gBound, gBound], { signed: true });
    const up = stage(upstream, gScale, `upstream gradient at ${b.layer} channel ${b.channel}`);
    const posRect = svg("rect", { class: "pool-window", width: 1, height: 1 });
    up.overlay.append(posRect);
    up.root.addEventListener("click", (event) => {
      const box = up.root.getBoundingClientRect();
      const c = Math.min(upstream.width - 1, Math.floor(((event.clientX - box.left) / box.width) * upstream.width));
      const r = Math.min(upstream.height - 1, Math.floor(((event.clientY - box.top) / box.height) * upstream.height));
      b.position = r * upstream.width + c;
      loadConvStep();
    });

    const dxBound = maxAbs(dx.data);
    const dxScale = scaleFor([-dxBound, dxBound], { signed: true });
    const full = stage(dx, dxScale, `the full gradient at ${prevName}, channel ${b.input}`);
    const shareHolder = el("div", { class: "pool-bconv-share" });
    const sentence = el("p", { class: "pool-sentence", "data-bconv-sentence": "", "aria-live": "polite" });
    const numbers = el("div", { class: "pool-bconv-numbers" });

    s5.replaceChildren(
      el("h2", { id: "pool-h5", text: "5 · The backward convolution, step by step" }),
      el("p", {}, "Going back through a convolution, each output position hands its gradient g to two places: ",
        el("strong", { text: "dW" }), " += g × the input patch under the kernel (over all positions: the layer input correlated with the upstream gradient), and ",
        el("strong", { text: "dX" }), " += g × the kernel, stamped where the window was (over all positions: the full convolution of the upstream gradient with the flipped kernel)."),
      el("div", { class: "row pool-controls" },
        el("label", {}, "Conv layer", layerSel), el("label", {}, "Output channel", chSel),
        el("label", {}, "Input channel", inSel)),
      el("div", { class: "row" }, back, next, skip, posLabel),
      sentence,
      el("div", { class: "pool-bconv" },
        el("figure", { class: "pool-fig" }, up.root, el("figcaption", { text: `g: the gradient at ${b.layer}'s output, channel ${b.channel} (click a cell)` })),
        numbers,
        el("figure", { class: "pool-fig" }, shareHolder, el("figcaption", { text: `This position's share of dX, stamped on ${prevName} channel ${b.input}` })),
        el("figure", { class: "pool-fig" }, full.root, el("figcaption", { text: `dX: all the shares summed — the network's gradient at ${prevName}` })),
      ),
      el("div", { class: "row" }, legend(gScale, "upstream gradient g"), legend(dxScale, "dX")),
    );
    bconvParts = { upstream, posRect, posLabel, sentence, numbers, shareHolder, prevName, xin, spec, dxScale };
    loadConvStep();
  }

  async function loadConvStep() {
    if (!bconvParts) return;
    const b = local.bconv;
    const { upstream, posRect, posLabel, sentence, numbers, shareHolder, prevName, xin } = bconvParts;
    const row = Math.floor(b.position / upstream.width);
    const col = b.position % upstream.width;
    posRect.setAttribute("x", col);
    posRect.setAttribute("y", row);
    posLabel.textContent = `position ${b.position + 1} of ${upstream.data.length} · (${row}, ${col})`;
    const signal = fresh("bconv");
    const target = targetClass(store.state, local.info);
    try {
      const step = await api.convStep(store.state.model, currentDigit(), {
        layer: b.layer, channel: b.channel, row, col, direction: "backward",
        ...(target === null ? {} : { target_class: target }),
      }, signal);
      if (signal.aborted) return;
      const bw = step.backward;
      const g = bw.upstream;
      const patch = step.patch[b.input];
      const dW = bw.dweight[b.input];
      const dX = bw.dinput[b.input];
      const pScale = scaleFor(extent(patch.flat()));
      const wBound = maxAbs(dW.flat(), dX.flat());
      const sScale = scaleFor([-wBound, wBound], { signed: true });
      const pP = powerOf(patch);
      const pW = powerOf(dW);
      const pX = powerOf(dX);
      numbers.replaceChildren(
        el("div", { class: "pool-bconv-g" }, el("span", { class: "muted", text: "g =" }),
          el("strong", { class: "num", "data-bconv-g": "", text: fixed(g, 4) })),
        el("div", { class: "pool-bconv-mats" },
          el("figure", {}, numberGrid(patch, pScale, { label: "the input patch", digits: 1, power: pP }), el("figcaption", { text: `input patch${powerText(pP)}` })),
          el("figure", {}, numberGrid(dW, sScale, { label: "this position's share of dW", digits: 1, hook: "data-bconv-dw", power: pW }), el("figcaption", { text: `dW share = g × patch${powerText(pW)}` })),
          el("figure", {}, numberGrid(dX, sScale, { label: "this position's share of dX", digits: 1, hook: "data-bconv-dx", power: pX }), el("figcaption", { text: `dX share = g × kernel${powerText(pX)}` })),
        ),
        el("p", { class: "muted" }, `db share = g = `, el("span", { class: "num", text: fixed(bw.dbias, 4) })),
      );
      // the dX share stamped on the input plane
      const stamp = new Float32Array(xin.height * xin.width);
      step.rows.forEach((r, u) => step.cols.forEach((c, v) => {
        if (r >= 0 && r < xin.height && c >= 0 && c < xin.width) stamp[r * xin.width + c] += dX[u][v];
      }));
      const stampMap = { height: xin.height, width: xin.width, data: stamp };
      const stampBound = maxAbs(stamp);
      const stampScale = scaleFor([-stampBound, stampBound], { signed: true });
      const st = stage(stampMap, stampScale, "this position's share of dX");
      const top = step.rows[0];
      const left = step.cols[0];
      st.overlay.append(svg("rect", { class: "pool-window", x: left, y: top, width: step.rows.length, height: step.cols.length }));
      shareHolder.replaceChildren(st.root, legend(stampScale, "dX share"));
      const r0 = Math.max(0, top);
      const r1 = Math.min(xin.height - 1, step.rows.at(-1));
      const c0 = Math.max(0, left);
      const c1 = Math.min(xin.width - 1, step.cols.at(-1));
      sentence.textContent = g === 0
        ? `At output (${row}, ${col}) the gradient g is 0 (this output did not affect the class-${local.trace.target_label} logit, e.g. the ReLU or the max pool after it blocked it), so it adds nothing to dW, db or dX.`
        : `At output (${row}, ${col}) the gradient g = ${fixed(g, 4)} adds g × its ${step.patch[0].length}×${step.patch[0][0].length} input patch to dW, g to db, and g × the kernel to dX at rows ${r0}–${r1}, columns ${c0}–${c1} of ${prevName}.`;
    } catch (error) {
      if (isAbort(error)) return;
      sentence.textContent = "";
      numbers.replaceChildren(el("p", { class: "error", role: "alert", text: `The backward step could not be loaded: ${error.message}` }));
    }
  }

  // ---- 6. saliency ----
  function renderSaliency() {
    if (!local.trace) return;
    const input = plane(local.inputArray, 0);
    const sal = plane(local.saliency, 0);
    const bound = maxAbs(sal.data);
    const scale = scaleFor([-bound, bound], { signed: true });
    // the drawing in gray with the saliency on top, its opacity growing with |saliency|
    const overlay = document.createElement("canvas");
    overlay.width = input.width;
    overlay.height = input.height;
    overlay.className = "map";
    const context = overlay.getContext("2d");
    const image = context.createImageData(input.width, input.height);
    for (let i = 0; i < input.data.length; i += 1) {
      const gray = 255 - Math.round(200 * Math.min(1, Math.max(0, input.data[i])));
      const [r, g, bl] = scale.colour(sal.data[i]);
      const a = Math.min(1, Math.abs(sal.data[i]) / bound) ** 0.6 * 0.9;
      image.data.set([
        Math.round(gray * (1 - a) + r * a), Math.round(gray * (1 - a) + g * a), Math.round(gray * (1 - a) + bl * a), 255,
      ], i * 4);
    }
    context.putImageData(image, 0, 0);
    overlay.setAttribute("role", "img");
    overlay.setAttribute("aria-label", `The drawing in gray with the saliency for class ${local.trace.target_label} laid over it: orange where more ink would raise the logit, blue where it would lower it.`);
    s6.replaceChildren(
      el("h2", { id: "pool-h6", text: "6 · Saliency: the gradient at the input" }),
      el("p", { text: `Following the gradient all the way back to the pixels gives, for each pixel, how much the class-${local.trace.target_label} logit changes when that pixel gets a little more ink: orange pixels push towards ${local.trace.target_label}, blue ones away from it.` }),
      el("div", { class: "pool-pair", "data-saliency": "" },
        el("figure", { class: "pool-fig" }, el("div", { class: "pool-stage" }, overlay), el("figcaption", { text: "saliency over the drawing" })),
        el("figure", { class: "pool-fig" }, el("div", { class: "pool-stage" }, mapCanvas(sal, scale, "saliency")), el("figcaption", { text: "saliency alone" })),
        el("figure", { class: "pool-fig" }, el("div", { class: "pool-stage" }, mapCanvas(input, scaleFor([0, 1]), "the input")), el("figcaption", { text: "the network's input (28×28)" })),
      ),
      legend(scale, `∂ logit(${local.trace.target_label}) / ∂ pixel`),
    );
  }

  // ---- wiring ----
  layerSelect.addEventListener("change", () => {
    local.bconv.layer = null;
    store.set({ pool: layerSelect.value, channel: 0 });
  });
  channelSelect.addEventListener("change", () => store.set({ channel: Number(channelSelect.value) }));
  targetSelect.addEventListener("change", () => {
    store.set({ target: targetSelect.value === "" ? null : Number(targetSelect.value) });
  });

  // Work for a change made while another view is showing waits until this view is shown again
  // (the strongest pending job wins: a new model reloads everything, a new digit re-traces).
  let pending = 0;
  const JOBS = {
    3: () => loadModel(),
    2: () => loadTrace(),
    1: () => { if (local.info && local.layers) { renderAll(); loadShift(); } },
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
  store.watch(["pool", "channel"], (state, changed) => {
    if (!local.info || !local.layers) return;
    if (changed.has("pool")) {
      const pools = local.info.spec.layers.filter((l) => isPool(l.type));
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
