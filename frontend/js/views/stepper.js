// The Convolution view: a stepper that slides one filter of a conv layer over its input, one
// output cell at a time, with the arithmetic spelled out from POST /conv-step (and, backward,
// that position's share of dW and dX); below it the playground (views/playground.js).
import * as api from "../api.js";
import { announce, currentDigit, describeModel, traceOf } from "../shell.js";
import { decodeArray, extent, plane, toRows } from "../lib/arrays.js";
import { css, inkOn, scaleFor } from "../lib/colour.js";
import { fixed } from "../lib/format.js";
import { cellAt, windowAt } from "../lib/geometry.js";
import {
  channelSums, clampPosition, moveStep, stepIndex, stepKey,
} from "../lib/stepper.js";
import { hatch } from "../components/hatch.js";
import { legend } from "../components/heatmap.js";
import { el, isAbort, showErrorIn } from "../components/dom.js";
import { mountPlayground } from "./playground.js";

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

<div class="panel playground" data-playground></div>`;

/** A grid of numbers as a table-like div, cells coloured by `scale` (or plain). */
function numberGrid(values, { scale, digits = 3, mask, label, cls = "" } = {}) {
  const grid = el("div", { class: `numgrid ${cls}` });
  grid.style.gridTemplateColumns = `repeat(${values[0].length}, auto)`;
  grid.setAttribute("role", "table");
  if (label) grid.setAttribute("aria-label", label);
  values.forEach((row, r) => {
    row.forEach((v, c) => {
      const cell = el("span", { class: "cell num", text: fixed(v, digits) });
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
  const steps = new WeakMap(); // digit -> Map(stepKey -> conv-step answer), dropped with the digit
  let traceAbort = null;
  let stepAbort = null;
  let info = null; // {model, convs: [{name, index, spec, outShape, inShape}], trace}
  let direction = store.state.stepperDirection === "backward" ? "backward" : "forward";
  let timer = null;

  const stepsOf = (d) => {
    if (!steps.has(d)) steps.set(d, new Map());
    return steps.get(d);
  };


  async function load() {
    const id = store.state.model;
    if (!id) return null;
    const model = await describeModel(id);
    if (traceAbort) traceAbort.abort();
    traceAbort = new AbortController();
    const trace = await traceOf(id, currentDigit(), undefined, traceAbort.signal);
    const convs = [];
    model.spec.layers.forEach((spec, index) => {
      if (spec.type !== "Conv2D") return;
      const outShape = model.layers[index].output_shape;
      const inShape = index === 0 ? model.input_shape : model.layers[index - 1].output_shape;
      convs.push({ name: spec.name, index, spec, outShape, inShape });
    });
    return { id, model, convs, trace };
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
    const wrap = el("div", { class: "input-maps-grid" });
    for (let c = 0; c < cin; c += 1) {
      const fig = el("div", { class: "input-map" });
      const canvas = el("canvas", { class: "grid-canvas" });
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", `input channel ${c}, ${h}×${h} with padding ${p}; window at rows ${taps.rows[0] - p} to ${taps.rows[taps.rows.length - 1] - p}, columns ${taps.cols[0] - p} to ${taps.cols[taps.cols.length - 1] - p}`);
      drawPadded(canvas, plane(input, c), pad, scale, cell, taps);
      fig.append(canvas);
      if (cin > 1) fig.append(el("span", { class: "small muted", text: `channel ${c}` }));
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
      const block = el("div", { class: `chan ${multi ? "multi" : "single"}` });
      if (multi) block.append(el("span", { class: "chan-label", text: `in ch ${c}` }));
      const g = (vals, scale, label, mask) => {
        const box = el("div", { class: "gridbox" });
        box.append(el("span", { class: "gridlbl", text: label }), numberGrid(vals, { scale, digits, mask, label: `${label}, input channel ${c}` }));
        return box;
      };
      block.append(
        g(patch, xScale, "patch", r.padding_mask), el("span", { class: "op", text: "×" }),
        g(r.kernel[c], kScale, "kernel"), el("span", { class: "op", text: "=" }),
        g(r.products[c], pScale, "products", r.padding_mask),
      );
      const sum = el("span", { class: "chan-sum" });
      sum.append(el("span", { class: "gridlbl", text: multi ? "channel sum" : "sum" }), el("span", { class: "num", text: fixed(sums[c], 4) }));
      block.append(el("span", { class: "op", text: "→" }), sum);
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
      const box = el("div", { class: "gridbox" });
      const label = tensor.length > 1 ? `${what}, in ch ${c}` : what;
      box.append(el("span", { class: "gridlbl", text: label }), numberGrid(vals, { scale, digits: 4, label, cls: "small-grid" }));
      return box;
    });
    ui.dbias.textContent = fixed(b.dbias, 6);
    ui.dbias.dataset.value = String(b.dbias);
    const rows = r.rows.join(", ");
    const cols = r.cols.join(", ");
    ui.dweight.replaceChildren(...grids(b.dweight, dwScale, "dW share"), legend(dwScale, "dW"));
    const note = el("p", { class: "small muted", text: `placed at input rows ${rows} and columns ${cols} (values outside 0…${r.input_shape[1] - 1} are padding)` });
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
      showErrorIn(ui.error, null);
    } catch (error) {
      showErrorIn(ui.error, error);
      return;
    }
    if (!info) return;
    renderControls();
    normalise();
    renderPosition();
    playground.update();
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
        const text = `${c.name} (${c.spec.kernel_size}×${c.spec.kernel_size}, ${c.outShape[0]} filters)`;
        return el("option", { value: c.name, text });
      }));
    }
    ui.layer.value = pos.conv.name;
    const n = pos.conv.outShape[0];
    if (ui.channel.options.length !== n) {
      ui.channel.replaceChildren(...Array.from({ length: n }, (_, i) => {
        return el("option", { value: String(i), text: `filter ${i}` });
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
    const cache = stepsOf(currentDigit());
    const key = stepKey([info.id, pos.conv.name, pos.channel, pos.row, pos.col, direction, ui.upstreamChoice.value]);
    let answer = cache.get(key);
    if (!answer) {
      clearArithmetic();
      if (stepAbort) stepAbort.abort();
      stepAbort = new AbortController();
      const body = { layer: pos.conv.name, channel: pos.channel, row: pos.row, col: pos.col, direction };
      if (direction === "backward" && ui.upstreamChoice.value !== "logit") body.upstream = Number(ui.upstreamChoice.value);
      try {
        answer = await api.convStep(info.id, currentDigit(), body, stepAbort.signal);
      } catch (error) {
        if (!isAbort(error)) {
          showErrorIn(ui.error, error);
          stop();
        }
        return;
      }
      cache.set(key, answer);
      const now = current();
      if (!now || now.conv.name !== pos.conv.name || now.channel !== pos.channel || now.row !== pos.row || now.col !== pos.col) return;
    }
    showErrorIn(ui.error, null);
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

  const playground = mountPlayground(root.querySelector("[data-playground]"), store, () =>
    info ? toRows(plane(decodeArray(info.trace.input), 0)) : null);

  refresh();
}
