// The Convolution view: (A) a stepper that slides one filter of a conv layer over its input, one
// output cell at a time, with the arithmetic spelled out from POST /conv-step (and, backward,
// that position's share of dW and dX); (B) a playground: the output-size formula live, and any
// named or hand-made kernel applied to the user's drawing (POST /api/conv/apply).
import * as api from "../api.js";
import { announce } from "../shell.js";
import { decodeArray, extent, fromRows, plane } from "../lib/arrays.js";
import { css, inkOn, scaleFor } from "../lib/colour.js";
import { fixed } from "../lib/format.js";
import { cellAt, formulaText, outputSize, paddingFor, windowAt } from "../lib/geometry.js";
import {
  channelSums, clampPosition, firstWindowCells, formulaUneven, moveStep, stepIndex, stepKey,
} from "../lib/stepper.js";
import { heatmapCanvas, legend } from "../components/heatmap.js";
import { exampleDigit } from "../components/strokes.js";

const TEMPLATE = `
<div class="panel stepper" data-stepper>
  <div class="stepper-head">
    <h2>Convolution, one position at a time</h2>
    <p class="muted" data-stepper-example hidden>An example digit “3” is shown until you draw one in the Draw tab.</p>
  </div>
  <div class="row stepper-pick">
    <label>Layer <select data-stepper-layer></select></label>
    <label>Filter (output channel) <select data-stepper-channel></select></label>
    <button type="button" data-direction="forward" aria-pressed="false"
      title="Show this position's share of the gradients">Backward: off</button>
    <span class="muted" data-stepper-shape></span>
  </div>
  <div class="row transport" role="group" aria-label="Stepper controls">
    <button type="button" data-step-back aria-label="Back one position">◀ Back</button>
    <button type="button" class="primary" data-play aria-pressed="false">Play</button>
    <button type="button" data-step-next aria-label="Next position">Step ▶</button>
    <label>Speed <input type="range" data-speed min="1" max="20" step="1" value="3"> <span class="num" data-speed-text>3/s</span></label>
    <label class="scrub">Position <input type="range" data-scrub min="0" max="0" value="0"></label>
    <span class="position num" data-position data-row="0" data-col="0">row 0, col 0</span>
  </div>
  <p class="error" data-stepper-error role="alert" hidden></p>
  <div class="stage" data-stepper-stage tabindex="0"
    aria-label="Stepper: arrow keys move the window, space plays or pauses">
    <figure class="stage-input">
      <figcaption data-input-caption>Layer input (padding shown hatched, the window outlined)</figcaption>
      <div class="input-maps" data-input-maps></div>
    </figure>
    <figure class="stage-output">
      <figcaption data-output-caption>Output map, filled as the window moves</figcaption>
      <canvas class="grid-canvas" data-output-map role="img"></canvas>
      <div data-output-legend></div>
    </figure>
    <figure class="stage-image">
      <figcaption>Receptive field in the 28×28 input image</figcaption>
      <canvas class="grid-canvas" data-receptive role="img"></canvas>
      <p class="muted small" data-receptive-text></p>
    </figure>
  </div>
  <section class="arith" aria-label="The arithmetic at this position" data-arith>
    <div class="channels" data-channels></div>
    <div class="total" aria-live="off">
      <span class="term"><span class="lbl">Σ products</span><output class="big num" data-sum></output></span>
      <span class="op">+</span>
      <span class="term"><span class="lbl">bias</span><output class="big num" data-bias></output></span>
      <span class="op">=</span>
      <span class="term star"><span class="lbl">pre-activation</span><output class="big num" data-sum-plus-bias></output></span>
      <span class="op">→</span>
      <span class="term"><span class="lbl" data-activation-name>activation</span><output class="big num" data-activation></output></span>
    </div>
  </section>
  <section class="backward" data-backward hidden aria-label="Backward pass at this position">
    <h3>Backward: this position's share of the gradients</h3>
    <label>Upstream gradient <em>g</em> arriving at this output:
      <select data-upstream-choice>
        <option value="logit">∂(predicted class's logit) / ∂(this output)</option>
        <option value="1">g = 1 (to see the pattern)</option>
      </select></label>
    <p class="big-line">Upstream gradient <em>g</em> = <span class="num" data-upstream></span> <span class="muted" data-upstream-source></span></p>
    <p><strong>dW</strong>: each weight's gradient gets <em>g</em> × the input value it multiplied (the patch), so filters learn from what they saw.</p>
    <div class="grads" data-dweight></div>
    <p><strong>dX</strong>: each input pixel under the window gets <em>g</em> × the weight it was multiplied by, added into the input's gradient at that place (nothing reaches padding).</p>
    <div class="grads" data-dinput></div>
    <p><strong>db</strong>: the bias was added once here, so its gradient gets <em>g</em> itself: <span class="num" data-dbias></span>.</p>
  </section>
</div>

<div class="panel playground" data-playground>
  <h2>Playground: any kernel on your drawing</h2>
  <div class="pg-controls">
    <label>Input size <input type="number" data-pg-size min="1" max="64" value="28"></label>
    <label>Kernel size <input type="number" data-pg-k min="1" max="11" value="3"></label>
    <label>Stride <input type="number" data-pg-stride min="1" max="8" value="1"></label>
    <label>Padding <select data-pg-padding>
      <option value="valid">valid (0)</option><option value="same" selected>same</option>
      <option value="full">full</option><option value="number">a number…</option></select></label>
    <label data-pg-padnum-label hidden>p <input type="number" data-pg-padnum min="0" max="32" value="1"></label>
    <label>Dilation <input type="number" data-pg-dilation min="1" max="8" value="1"></label>
  </div>
  <div class="pg-formula-row">
    <div>
      <p class="muted">Output rows (the same for columns):</p>
      <p class="formula num" data-playground-formula></p>
      <p class="muted small" data-pg-formula-note></p>
    </div>
    <figure><canvas class="grid-canvas" data-pg-diagram role="img"></canvas>
      <figcaption class="small muted">The padded input (hatched: padding) and the first window</figcaption></figure>
  </div>
  <h3>Apply a 3×3 kernel to the drawing</h3>
  <div class="row">
    <label>Kernel <select data-kernel><option value="custom">custom</option></select></label>
    <label class="switch"><input type="checkbox" data-flip> Flip the kernel (true convolution)</label>
  </div>
  <p class="muted small">CNN layers compute cross-correlation: the kernel slides as it is. A true convolution flips it in both axes first; for symmetric kernels the two agree.</p>
  <p class="muted small" data-kernel-description></p>
  <div class="pg-apply">
    <fieldset class="kernel-grid" data-kernel-grid><legend>Kernel values (edit to make your own)</legend></fieldset>
    <figure><figcaption>Input</figcaption><div data-pg-input></div></figure>
    <figure><figcaption>Output <span class="num" data-pg-outsize></span></figcaption><div data-pg-output></div></figure>
  </div>
  <p class="formula-small num" data-pg-api-formula></p>
  <p class="error" data-pg-error role="alert" hidden></p>
</div>`;

const el = (tag, cls, text) => {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
};

/** A grid of numbers as a table-like div, cells coloured by `scale` (or plain). */
function numberGrid(values, { scale, digits = 3, mask, label, cls = "" } = {}) {
  const grid = el("div", `numgrid ${cls}`);
  grid.style.gridTemplateColumns = `repeat(${values[0].length}, auto)`;
  grid.setAttribute("role", "table");
  if (label) grid.setAttribute("aria-label", label);
  values.forEach((row, r) => {
    row.forEach((v, c) => {
      const cell = el("span", "cell num", fixed(v, digits));
      cell.setAttribute("role", "cell");
      cell.title = fixed(v, 6);
      if (mask && mask[r][c]) cell.classList.add("pad");
      else if (scale) {
        const rgb = scale.colour(v);
        cell.style.background = css(rgb);
        cell.style.color = inkOn(rgb);
      }
      grid.append(cell);
    });
  });
  return grid;
}

function setNumber(node, value) {
  node.dataset.value = String(value);
  node.textContent = fixed(value, 4);
}

export function mount(root, store) {
  root.innerHTML = TEMPLATE;
  const $ = (sel) => root.querySelector(sel);
  const ui = {
    example: $("[data-stepper-example]"), layer: $("[data-stepper-layer]"),
    channel: $("[data-stepper-channel]"), direction: $("[data-direction]"),
    shape: $("[data-stepper-shape]"), back: $("[data-step-back]"), play: $("[data-play]"),
    next: $("[data-step-next]"), speed: $("[data-speed]"), speedText: $("[data-speed-text]"),
    scrub: $("[data-scrub]"), position: $("[data-position]"), error: $("[data-stepper-error]"),
    stage: $("[data-stepper-stage]"), inputMaps: $("[data-input-maps]"),
    inputCaption: $("[data-input-caption]"), output: $("[data-output-map]"),
    outputLegend: $("[data-output-legend]"), receptive: $("[data-receptive]"),
    receptiveText: $("[data-receptive-text]"), channels: $("[data-channels]"),
    sum: $("[data-sum]"), bias: $("[data-bias]"), spb: $("[data-sum-plus-bias]"),
    act: $("[data-activation]"), actName: $("[data-activation-name]"),
    backward: $("[data-backward]"), upstream: $("[data-upstream]"),
    upstreamSource: $("[data-upstream-source]"), dweight: $("[data-dweight]"),
    dinput: $("[data-dinput]"), upstreamChoice: $("[data-upstream-choice]"), dbias: $("[data-dbias]"),
  };

  // -- data: model, digit, trace, steps (cached) ------------------------------------------------
  const models = new Map(); // id -> promise of getModel
  const traces = new Map(); // model|digitId -> trace
  const steps = new Map(); // stepKey -> conv-step answer
  const digitIds = new WeakMap();
  let nextDigitId = 1;
  let example = null;
  let traceAbort = null;
  let stepAbort = null;
  let info = null; // {model, convs: [{name, index, spec, outShape, inShape}], trace}
  let direction = store.state.stepperDirection === "backward" ? "backward" : "forward";
  let timer = null;

  const digit = () => {
    if (store.state.digit) return store.state.digit;
    if (!example) example = exampleDigit(3);
    return example;
  };
  const digitId = (d) => {
    if (!digitIds.has(d)) digitIds.set(d, nextDigitId++);
    return digitIds.get(d);
  };

  function showError(node, error) {
    if (error && error.name === "AbortError") return;
    node.hidden = !error;
    node.textContent = error ? `${error.message}` : "";
  }

  function getModel(id) {
    if (!models.has(id)) {
      const p = api.getModel(id);
      p.catch(() => models.delete(id));
      models.set(id, p);
    }
    return models.get(id);
  }

  async function load() {
    const id = store.state.model;
    if (!id) return null;
    const d = digit();
    const key = `${id}|${digitId(d)}`;
    const model = await getModel(id);
    let trace = traces.get(key);
    if (!trace) {
      if (traceAbort) traceAbort.abort();
      traceAbort = new AbortController();
      trace = await api.trace(id, d, undefined, traceAbort.signal);
      traces.set(key, trace);
    }
    const convs = [];
    model.spec.layers.forEach((spec, index) => {
      if (spec.type !== "Conv2D") return;
      const outShape = model.layers[index].output_shape;
      const inShape = index === 0 ? model.input_shape : model.layers[index - 1].output_shape;
      convs.push({ name: spec.name, index, spec, outShape, inShape });
    });
    return { id, key, model, convs, trace };
  }

  // -- the current position ---------------------------------------------------------------------
  function current() {
    if (!info || !info.convs.length) return null;
    const s = store.state;
    const conv = info.convs.find((c) => c.name === s.layer) || info.convs[0];
    const [channels, outH, outW] = conv.outShape;
    const channel = Number.isInteger(s.channel) && s.channel >= 0 && s.channel < channels ? s.channel : 0;
    const { row, col } = clampPosition(s.row, s.col, outH, outW);
    return { conv, channel, row, col, outH, outW, step: stepIndex(row, col, outW), total: outH * outW };
  }

  /** Write the normalised position back to the store (only while this tab is shown, so a URL
   * meant for another view is not rewritten). */
  function normalise() {
    const pos = current();
    if (!pos || store.state.tab !== "stepper") return;
    store.set({ layer: pos.conv.name, channel: pos.channel, row: pos.row, col: pos.col });
  }

  function goTo(step) {
    const pos = current();
    if (!pos) return;
    const { row, col } = cellAt(moveStep(step, 0, pos.total), pos.outW);
    store.set({ row, col });
  }

  // -- drawing ----------------------------------------------------------------------------------
  function hatch(ctx, x, y, size) {
    ctx.fillStyle = "#e4e6ea";
    ctx.fillRect(x, y, size, size);
    ctx.strokeStyle = "#9aa1ad";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x, y + size);
    ctx.lineTo(x + size, y);
    ctx.stroke();
  }

  /** One input plane with its padding drawn and the window outlined. */
  function drawPadded(canvas, map, pad, scale, cell, taps) {
    const [pt, pb, pl, pr] = pad;
    const rows = map.height + pt + pb;
    const cols = map.width + pl + pr;
    canvas.width = cols * cell;
    canvas.height = rows * cell;
    canvas.style.width = `${cols * cell}px`;
    const ctx = canvas.getContext("2d");
    for (let r = 0; r < rows; r += 1) {
      for (let c = 0; c < cols; c += 1) {
        const ir = r - pt;
        const ic = c - pl;
        if (ir < 0 || ic < 0 || ir >= map.height || ic >= map.width) hatch(ctx, c * cell, r * cell, cell);
        else {
          ctx.fillStyle = css(scale.colour(map.data[ir * map.width + ic]));
          ctx.fillRect(c * cell, r * cell, cell, cell);
        }
      }
    }
    if (taps) {
      // Each tap outlined thinly (a dilated kernel skips cells), the whole window boldly.
      ctx.strokeStyle = "rgba(255, 140, 0, 0.9)";
      ctx.lineWidth = 1;
      for (const r of taps.rows) for (const c of taps.cols) ctx.strokeRect(c * cell + 0.5, r * cell + 0.5, cell - 1, cell - 1);
      ctx.lineWidth = 3;
      ctx.strokeStyle = "#ff8c00";
      const r0 = taps.rows[0];
      const c0 = taps.cols[0];
      const r1 = taps.rows[taps.rows.length - 1] + 1;
      const c1 = taps.cols[taps.cols.length - 1] + 1;
      ctx.strokeRect(c0 * cell - 1, r0 * cell - 1, (c1 - c0) * cell + 2, (r1 - r0) * cell + 2);
    }
  }

  function layerInput(pos) {
    const t = info.trace;
    const array = decodeArray(pos.conv.index === 0 ? t.input : t.layers[pos.conv.index - 1].output);
    return array;
  }

  function renderStage(pos) {
    const { conv } = pos;
    const spec = conv.spec;
    const p = spec.padding || 0;
    const pad = [p, p, p, p];
    const k = spec.kernel_size;
    const s = spec.stride || 1;
    const d = spec.dilation || 1;
    const taps = windowAt(pos.row, pos.col, k, s, d);
    const input = layerInput(pos);
    const [cin, h] = conv.inShape.length === 3 ? conv.inShape : [1, ...conv.inShape.slice(-2)];
    const cell = cin === 1 ? Math.max(6, Math.floor(400 / (h + 2 * p))) : Math.max(5, Math.floor(150 / (h + 2 * p)));
    const scale = scaleFor(extent(input.data));
    ui.inputCaption.textContent = `${conv.name}'s input: ${cin} channel${cin > 1 ? "s" : ""} of ${h}×${h}` +
      (p ? `, padding ${p} (hatched, zeros)` : ", no padding") + `; window ${k}×${k}`;
    const wrap = el("div", "input-maps-grid");
    for (let c = 0; c < cin; c += 1) {
      const fig = el("div", "input-map");
      const canvas = el("canvas", "grid-canvas");
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", `input channel ${c}, ${h}×${h} with padding ${p}; window at rows ${taps.rows[0] - p} to ${taps.rows[taps.rows.length - 1] - p}, columns ${taps.cols[0] - p} to ${taps.cols[taps.cols.length - 1] - p}`);
      drawPadded(canvas, plane(input, c), pad, scale, cell, taps);
      fig.append(canvas);
      if (cin > 1) fig.append(el("span", "small muted", `channel ${c}`));
      wrap.append(fig);
    }
    ui.inputMaps.replaceChildren(wrap, legend(scale, "input value"));

    // Output map: visited cells coloured with the traced output (the same values as the API's).
    const out = plane(decodeArray(info.trace.layers[conv.index].output), pos.channel);
    const oscale = scaleFor(extent(out.data), { signed: true });
    const ocell = Math.max(8, Math.floor(336 / pos.outW));
    const canvas = ui.output;
    canvas.width = pos.outW * ocell;
    canvas.height = pos.outH * ocell;
    canvas.style.width = `${pos.outW * ocell}px`;
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    for (let i = 0; i < pos.total; i += 1) {
      const { row, col } = cellAt(i, pos.outW);
      if (i <= pos.step) {
        ctx.fillStyle = css(oscale.colour(out.data[i]));
        ctx.fillRect(col * ocell, row * ocell, ocell, ocell);
      } else {
        ctx.strokeStyle = "rgba(128,128,128,0.35)";
        ctx.lineWidth = 1;
        ctx.strokeRect(col * ocell + 0.5, row * ocell + 0.5, ocell - 1, ocell - 1);
      }
    }
    ctx.strokeStyle = "#ff8c00";
    ctx.lineWidth = 3;
    ctx.strokeRect(pos.col * ocell + 1.5, pos.row * ocell + 1.5, ocell - 3, ocell - 3);
    canvas.setAttribute("aria-label", `${conv.name} filter ${pos.channel} output, ${pos.outH}×${pos.outW}; ${pos.step + 1} of ${pos.total} cells computed, current row ${pos.row}, column ${pos.col}`);
    canvas.dataset.cell = String(ocell);
    ui.outputLegend.replaceChildren(legend(oscale, `${conv.name} output`));

    // The 28×28 image (receptive field added when the step answer arrives).
    drawImage(null);
    ui.shape.textContent = `input ${conv.inShape.join("×")} → output ${conv.outShape.join("×")}`;
  }

  function drawImage(box) {
    const img = plane(decodeArray(info.trace.input), 0);
    const cell = 9;
    const canvas = ui.receptive;
    drawPadded(canvas, img, [0, 0, 0, 0], scaleFor(extent(img.data)), cell, null);
    if (box) {
      const ctx = canvas.getContext("2d");
      ctx.strokeStyle = "#ff8c00";
      ctx.lineWidth = 3;
      ctx.strokeRect(box.left * cell + 1.5, box.top * cell + 1.5, box.width * cell - 3, box.height * cell - 3);
      ui.receptiveText.textContent = `rows ${box.top}–${box.bottom}, columns ${box.left}–${box.right} (${box.height}×${box.width} pixels)`;
      canvas.setAttribute("aria-label", `input image 28×28; receptive field rows ${box.top} to ${box.bottom}, columns ${box.left} to ${box.right}`);
    } else {
      canvas.setAttribute("aria-label", "input image 28×28");
    }
  }

  function renderArithmetic(r) {
    const multi = r.patch.length > 1;
    const sums = channelSums(r.products);
    const kScale = scaleFor(extent(r.kernel.flat(2)), { signed: true });
    const pScale = scaleFor(extent(r.products.flat(2)), { signed: true });
    const xScale = scaleFor(extent(r.patch.flat(2)));
    const digits = multi ? 2 : 3;
    const blocks = r.patch.map((patch, c) => {
      const block = el("div", `chan ${multi ? "multi" : "single"}`);
      if (multi) block.append(el("span", "chan-label", `in ch ${c}`));
      const g = (vals, scale, label, mask) => {
        const box = el("div", "gridbox");
        box.append(el("span", "gridlbl", label), numberGrid(vals, { scale, digits, mask, label: `${label}, input channel ${c}` }));
        return box;
      };
      block.append(
        g(patch, xScale, "patch", r.padding_mask), el("span", "op", "×"),
        g(r.kernel[c], kScale, "kernel"), el("span", "op", "="),
        g(r.products[c], pScale, "products", r.padding_mask),
      );
      const sum = el("span", "chan-sum");
      sum.append(el("span", "gridlbl", multi ? "channel sum" : "sum"), el("span", "num", fixed(sums[c], 4)));
      block.append(el("span", "op", "→"), sum);
      return block;
    });
    ui.channels.replaceChildren(...blocks);
    setNumber(ui.sum, r.sum);
    setNumber(ui.bias, r.bias);
    setNumber(ui.spb, r.pre_activation);
    if (r.activation) {
      ui.actName.textContent = `${r.activation.type} (${r.activation.layer})`;
      setNumber(ui.act, r.activation.value);
      ui.act.dataset.type = r.activation.type;
    } else {
      ui.actName.textContent = "no activation";
      setNumber(ui.act, r.pre_activation);
      ui.act.dataset.type = "none";
    }
    drawImage(r.receptive_field);
    renderBackward(r);
  }

  function renderBackward(r) {
    const b = r.backward;
    ui.backward.hidden = direction !== "backward" || !b;
    if (!b) return;
    ui.upstream.textContent = fixed(b.upstream, 6);
    ui.upstream.dataset.value = String(b.upstream);
    ui.upstreamSource.textContent = b.upstream_source === "logit"
      ? `(∂ logit of class ${b.target_class} / ∂ this output${b.upstream === 0 ? "; 0 here: the ReLU or the max-pool after this cell let nothing through" : ""})`
      : "(given)";
    const dwScale = scaleFor(extent(b.dweight.flat(2)), { signed: true });
    const dxScale = scaleFor(extent(b.dinput.flat(2)), { signed: true });
    const grids = (tensor, scale, what) => tensor.map((vals, c) => {
      const box = el("div", "gridbox");
      const label = tensor.length > 1 ? `${what}, in ch ${c}` : what;
      box.append(el("span", "gridlbl", label), numberGrid(vals, { scale, digits: 4, label, cls: "small-grid" }));
      return box;
    });
    ui.dbias.textContent = fixed(b.dbias, 6);
    ui.dbias.dataset.value = String(b.dbias);
    const rows = r.rows.join(", ");
    const cols = r.cols.join(", ");
    ui.dweight.replaceChildren(...grids(b.dweight, dwScale, "dW share"), legend(dwScale, "dW"));
    const note = el("p", "small muted", `placed at input rows ${rows} and columns ${cols} (values outside 0…${r.input_shape[1] - 1} are padding)`);
    ui.dinput.replaceChildren(...grids(b.dinput, dxScale, "dX share"), legend(dxScale, "dX"), note);
  }

  function clearArithmetic() {
    for (const node of [ui.sum, ui.bias, ui.spb, ui.act]) {
      node.textContent = "…";
      delete node.dataset.value;
    }
  }

  // -- the render loop --------------------------------------------------------------------------
  let loading = null;
  async function refresh() {
    if (store.state.tab !== "stepper") return;
    ui.example.hidden = !!store.state.digit;
    try {
      const p = load();
      loading = p;
      const loaded = await p;
      if (loading !== p) return;
      info = loaded;
      showError(ui.error, null);
    } catch (error) {
      showError(ui.error, error);
      return;
    }
    if (!info) return;
    renderControls();
    normalise();
    renderPosition();
    if (!pgReady) initPlayground();
    else applyPlayground();
  }

  function renderControls() {
    const pos = current();
    if (!pos) {
      ui.error.hidden = false;
      ui.error.textContent = "This model has no convolution layer to step through; choose another model.";
      return;
    }
    const names = info.convs.map((c) => c.name);
    if ([...ui.layer.options].map((o) => o.value).join() !== names.join()) {
      ui.layer.replaceChildren(...info.convs.map((c) => {
        const o = el("option", "", `${c.name} (${c.spec.kernel_size}×${c.spec.kernel_size}, ${c.outShape[0]} filters)`);
        o.value = c.name;
        return o;
      }));
    }
    ui.layer.value = pos.conv.name;
    const n = pos.conv.outShape[0];
    if (ui.channel.options.length !== n) {
      ui.channel.replaceChildren(...Array.from({ length: n }, (_, i) => {
        const o = el("option", "", `filter ${i}`);
        o.value = String(i);
        return o;
      }));
    }
    ui.channel.value = String(pos.channel);
    ui.scrub.max = String(pos.total - 1);
  }

  async function renderPosition() {
    const pos = current();
    if (!pos) return;
    ui.scrub.value = String(pos.step);
    ui.scrub.setAttribute("aria-valuetext", `row ${pos.row}, column ${pos.col}`);
    ui.position.dataset.row = String(pos.row);
    ui.position.dataset.col = String(pos.col);
    ui.position.textContent = `row ${pos.row}, col ${pos.col} · step ${pos.step + 1} of ${pos.total}`;
    renderStage(pos);
    const key = stepKey([info.id, digitId(digit()), pos.conv.name, pos.channel, pos.row, pos.col, direction, ui.upstreamChoice.value]);
    let answer = steps.get(key);
    if (!answer) {
      clearArithmetic();
      if (stepAbort) stepAbort.abort();
      stepAbort = new AbortController();
      const body = { layer: pos.conv.name, channel: pos.channel, row: pos.row, col: pos.col, direction };
      if (direction === "backward" && ui.upstreamChoice.value !== "logit") body.upstream = Number(ui.upstreamChoice.value);
      try {
        answer = await api.convStep(info.id, digit(), body, stepAbort.signal);
      } catch (error) {
        if (error.name !== "AbortError") {
          showError(ui.error, error);
          stop();
        }
        return;
      }
      steps.set(key, answer);
      const now = current();
      if (!now || now.conv.name !== pos.conv.name || now.channel !== pos.channel || now.row !== pos.row || now.col !== pos.col) return;
    }
    showError(ui.error, null);
    renderArithmetic(answer);
    if (!timer) announce(`row ${pos.row}, column ${pos.col}: sum plus bias ${fixed(answer.pre_activation, 4)}`);
  }

  // -- controls ---------------------------------------------------------------------------------
  const step = (delta) => {
    const pos = current();
    if (pos) goTo(moveStep(pos.step, delta, pos.total));
  };
  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
    ui.play.textContent = "Play";
    ui.play.setAttribute("aria-pressed", "false");
  }
  function start() {
    const pos = current();
    if (!pos) return;
    if (pos.step >= pos.total - 1) goTo(0);
    ui.play.textContent = "Pause";
    ui.play.setAttribute("aria-pressed", "true");
    const rate = Number(ui.speed.value) || 3;
    timer = setInterval(() => {
      const now = current();
      if (!now || now.step >= now.total - 1) stop();
      else step(1);
    }, 1000 / rate);
  }
  const toggle = () => (timer ? stop() : start());

  ui.play.addEventListener("click", toggle);
  ui.next.addEventListener("click", () => { stop(); step(1); });
  ui.back.addEventListener("click", () => { stop(); step(-1); });
  ui.speed.addEventListener("input", () => {
    ui.speedText.textContent = `${ui.speed.value}/s`;
    if (timer) { stop(); start(); }
  });
  ui.scrub.addEventListener("input", () => { stop(); goTo(Number(ui.scrub.value)); });
  ui.layer.addEventListener("change", () => { stop(); store.set({ layer: ui.layer.value, row: 0, col: 0 }); });
  ui.channel.addEventListener("change", () => { stop(); store.set({ channel: Number(ui.channel.value) }); });
  ui.direction.addEventListener("click", () => {
    direction = direction === "forward" ? "backward" : "forward";
    store.set({ stepperDirection: direction });
  });
  function renderDirection() {
    ui.direction.dataset.direction = direction;
    ui.direction.setAttribute("aria-pressed", String(direction === "backward"));
    ui.direction.textContent = direction === "backward" ? "Backward: on" : "Backward: off";
  }
  renderDirection();
  ui.upstreamChoice.addEventListener("change", () => renderPosition());
  ui.stage.addEventListener("keydown", (event) => {
    const pos = current();
    if (!pos) return;
    const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: pos.outW, ArrowUp: -pos.outW };
    if (event.key in moves) {
      event.preventDefault();
      stop();
      step(moves[event.key]);
    } else if (event.key === " " || event.key === "Spacebar") {
      event.preventDefault();
      toggle();
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      stop();
      goTo(event.key === "Home" ? 0 : pos.total - 1);
    }
  });
  ui.output.addEventListener("click", (event) => {
    const pos = current();
    if (!pos) return;
    const rect = ui.output.getBoundingClientRect();
    const col = Math.floor(((event.clientX - rect.left) / rect.width) * pos.outW);
    const row = Math.floor(((event.clientY - rect.top) / rect.height) * pos.outH);
    stop();
    const c = clampPosition(row, col, pos.outH, pos.outW);
    store.set(c);
  });

  store.watch(["tab", "model", "digit"], (state, changed) => {
    if (state.tab !== "stepper") { stop(); return; }
    if (changed.has("model") || changed.has("digit")) stop();
    refresh();
  });
  store.watch(["layer", "channel", "row", "col", "stepperDirection"], (state, changed) => {
    if (state.tab !== "stepper" || !info) return;
    if (changed.has("stepperDirection")) {
      direction = state.stepperDirection === "backward" ? "backward" : "forward";
      renderDirection();
    }
    if (changed.has("layer") || changed.has("channel")) renderControls();
    normalise();
    renderPosition();
  });

  // -- Part B: the playground -------------------------------------------------------------------
  const pg = {
    size: $("[data-pg-size]"), k: $("[data-pg-k]"), stride: $("[data-pg-stride]"),
    padding: $("[data-pg-padding]"), padnum: $("[data-pg-padnum]"), padnumLabel: $("[data-pg-padnum-label]"),
    dilation: $("[data-pg-dilation]"), formula: $("[data-playground-formula]"),
    note: $("[data-pg-formula-note]"), diagram: $("[data-pg-diagram]"), kernel: $("[data-kernel]"),
    flip: $("[data-flip]"), grid: $("[data-kernel-grid]"), input: $("[data-pg-input]"),
    output: $("[data-pg-output]"), outsize: $("[data-pg-outsize]"), apiFormula: $("[data-pg-api-formula]"),
    error: $("[data-pg-error]"), description: $("[data-kernel-description]"),
  };
  let pgReady = false;
  let kernels = [];
  let applyAbort = null;
  let applyTimer = null;
  const cells = [];
  for (let i = 0; i < 9; i += 1) {
    const input = el("input", "num");
    input.type = "number";
    input.step = "0.1";
    input.value = "0";
    input.setAttribute("aria-label", `kernel row ${Math.floor(i / 3)}, column ${i % 3}`);
    input.addEventListener("input", () => {
      pg.kernel.value = "custom";
      store.set({ kernel: "custom" });
      scheduleApply();
    });
    cells.push(input);
  }
  pg.grid.append(...cells);

  const intOf = (node, lo, hi, fallback) => {
    const v = Number(node.value);
    return Number.isInteger(v) && v >= lo && v <= hi ? v : fallback;
  };
  function pgGeometry() {
    const n = intOf(pg.size, 1, 64, 28);
    const k = intOf(pg.k, 1, 11, 3);
    const s = intOf(pg.stride, 1, 8, 1);
    const d = intOf(pg.dilation, 1, 8, 1);
    const mode = pg.padding.value === "number" ? String(intOf(pg.padnum, 0, 32, 0)) : pg.padding.value;
    const [before, after] = paddingFor(mode, k, d);
    return { n, k, s, d, mode, before, after };
  }

  function renderFormula() {
    const g = pgGeometry();
    pg.padnumLabel.hidden = pg.padding.value !== "number";
    const text = g.before === g.after ? formulaText(g.n, g.k, g.s, g.before, g.d) : formulaUneven(g.n, g.k, g.s, g.before, g.after, g.d);
    pg.formula.textContent = `out = ${text}`;
    const out = outputSize(g.n, g.k, g.s, g.before, g.after, g.d);
    pg.note.textContent = (out < 1 ? "The kernel does not fit: use a smaller kernel or dilation, or more padding. " : "") +
      `Padding ${g.before === g.after ? `${g.before} on each side` : `${g.before} before, ${g.after} after`}; the dilated kernel spans ${g.d * (g.k - 1) + 1} pixels.`;
    // Diagram: the padded grid and the first window.
    const total = g.n + g.before + g.after;
    const cell = Math.max(3, Math.min(14, Math.floor(240 / total)));
    const c = pg.diagram;
    c.width = total * cell;
    c.height = total * cell;
    c.style.width = `${total * cell}px`;
    const ctx = c.getContext("2d");
    const win = firstWindowCells(g.k, g.d);
    for (let r = 0; r < total; r += 1) {
      for (let q = 0; q < total; q += 1) {
        const inside = r >= g.before && r < g.before + g.n && q >= g.before && q < g.before + g.n;
        if (inside) {
          ctx.fillStyle = "#ffffff";
          ctx.fillRect(q * cell, r * cell, cell, cell);
        } else hatch(ctx, q * cell, r * cell, cell);
        ctx.strokeStyle = "#c8ccd3";
        ctx.lineWidth = 1;
        ctx.strokeRect(q * cell + 0.5, r * cell + 0.5, cell - 1, cell - 1);
        if (win.has(`${r},${q}`)) {
          ctx.fillStyle = "rgba(255,140,0,0.85)";
          ctx.fillRect(q * cell + 1, r * cell + 1, cell - 2, cell - 2);
        }
      }
    }
    c.setAttribute("aria-label", `padded input ${total}×${total} (${g.n}×${g.n} plus padding) with the first ${g.k}×${g.k} window, dilation ${g.d}, in the top-left corner; output ${out}×${out}`);
  }

  function kernelValues() {
    return [0, 1, 2].map((r) => [0, 1, 2].map((c) => {
      const v = Number(cells[r * 3 + c].value);
      return Number.isFinite(v) ? v : 0;
    }));
  }

  function selectKernel(name, fromUser) {
    const named = kernels.find((k) => k.name === name);
    pg.kernel.value = named ? name : "custom";
    pg.description.textContent = named ? `${named.name.replace("_", " ")}: ${named.description}` : "Your own kernel: type any numbers.";
    if (named && named.values.length === 3 && named.values[0].length === 3) {
      named.values.flat().forEach((v, i) => { cells[i].value = String(Number(v.toFixed(4))); });
    }
    if (fromUser) store.set({ kernel: pg.kernel.value });
  }

  async function initPlayground() {
    pgReady = true;
    renderFormula();
    try {
      kernels = await api.listKernels();
    } catch (error) {
      showError(pg.error, error);
      kernels = [];
    }
    pg.kernel.replaceChildren(...kernels.map((k) => {
      const o = el("option", "", k.name.replace("_", " "));
      o.value = k.name;
      return o;
    }), Object.assign(el("option", "", "custom"), { value: "custom" }));
    const wanted = store.state.kernel;
    selectKernel(kernels.some((k) => k.name === wanted) ? wanted : (wanted === "custom" ? "custom" : "sobel_x"), false);
    applyPlayground();
  }

  function scheduleApply() {
    clearTimeout(applyTimer);
    applyTimer = setTimeout(applyPlayground, 150);
  }

  async function applyPlayground() {
    if (!info) return;
    const g = pgGeometry();
    const inputArray = decodeArray(info.trace.input);
    const img = plane(inputArray, 0);
    const pixels = Array.from({ length: img.height }, (_, r) => Array.from(img.data.subarray(r * img.width, (r + 1) * img.width)));
    const padding = g.mode === "valid" || g.mode === "same" || g.mode === "full" ? g.mode : Number(g.mode);
    const named = pg.kernel.value !== "custom";
    const body = {
      pixels, kernel: named ? pg.kernel.value : kernelValues(), stride: g.s, padding, dilation: g.d,
      flip: pg.flip.checked,
    };
    // Requests the server would refuse are explained here instead (no failed request).
    const [kh, kw] = [3, 3];
    const [p0, p1] = paddingFor(g.mode, kh, g.d);
    if (padding === "same" && g.s !== 1) {
      showError(pg.error, new Error("Padding 'same' keeps the size only at stride 1: choose stride 1, or valid, full or a number."));
      return;
    }
    if (outputSize(img.height, kh, g.s, p0, p1, g.d) < 1 || outputSize(img.width, kw, g.s, p0, p1, g.d) < 1) {
      showError(pg.error, new Error(`The 3×3 kernel with dilation ${g.d} does not fit the ${img.height}×${img.width} drawing: use less dilation or more padding.`));
      return;
    }
    if (applyAbort) applyAbort.abort();
    applyAbort = new AbortController();
    let res;
    try {
      res = await api.applyKernel(body, applyAbort.signal);
    } catch (error) {
      showError(pg.error, error);
      return;
    }
    showError(pg.error, null);
    const inCanvas = heatmapCanvas(img, { size: 224, label: "drawing" });
    pg.input.replaceChildren(inCanvas, legend(inCanvas.scale, "pixel value"));
    const out = fromRows(res.output);
    const outScale = scaleFor(extent(out.data), { signed: extent(out.data)[0] < 0 });
    const outCanvas = heatmapCanvas(out, { size: 224 * (out.width / 28 > 1.3 ? 1.3 : Math.max(out.width / 28, 0.4)), label: "kernel output", scale: outScale });
    pg.output.replaceChildren(outCanvas, legend(outScale, "output"));
    pg.outsize.textContent = `${res.output_size[0]}×${res.output_size[1]}`;
    pg.apiFormula.textContent = `28×28 drawing: rows ${res.formula.rows}; cols ${res.formula.cols}` +
      (res.flip ? " (kernel flipped)" : "");
  }

  for (const node of [pg.size, pg.k, pg.stride, pg.padding, pg.padnum, pg.dilation]) {
    node.addEventListener("input", () => { renderFormula(); if (node !== pg.size && node !== pg.k) scheduleApply(); });
  }
  pg.kernel.addEventListener("change", () => { selectKernel(pg.kernel.value, true); applyPlayground(); });
  pg.flip.addEventListener("change", applyPlayground);
  store.watch(["kernel"], (state) => {
    if (!pgReady || !kernels.length || state.kernel === pg.kernel.value) return;
    if (kernels.some((k) => k.name === state.kernel)) { selectKernel(state.kernel, false); applyPlayground(); }
  });

  refresh();
}
