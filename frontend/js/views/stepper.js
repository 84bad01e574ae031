// The Convolution view: a stepper that slides one filter of a conv layer over its input, one
// output cell at a time, with the arithmetic spelled out from POST /conv-step (and, backward,
// that position's share of dW and dX); below it the playground (views/playground.js). It opens
// on the filter's most active cell, which the server picks, unless the link names a cell. This
// module holds the frame, the loading and the wiring; each section is drawn by a module in
// views/stepper/.
import * as api from "../api.js";
import { announce, currentDigit, describeModel, traceOf } from "../shell.js";
import { decodeArray, plane, toRows } from "../lib/arrays.js";
import { fixed } from "../lib/format.js";
import { formatCell, parseCell } from "../lib/url.js";
import { sharedRequests } from "../lib/shared.js";
import { cellOf, clampPosition, moveStep, stepKey } from "../lib/stepper.js";
import { convLayers, stepperPosition } from "../lib/convlayers.js";
import { intervalPlayer } from "../lib/player.js";
import { el, isAbort, showErrorIn } from "../components/dom.js";
import { mountPlayground } from "./playground.js";
import {
  controlsSection, renderControls, renderDirection, renderPlace, renderPlaying,
} from "./stepper/controls.js";
import { drawImage, drawWindow, renderStage, stageSection } from "./stepper/stage.js";
import { arithmeticSection, clearArithmetic, renderArithmetic } from "./stepper/arithmetic.js";
import { backwardSection, renderBackward } from "./stepper/backward.js";

export function mount(root, store) {
  // ---- the frame: the controls, the stage, the arithmetic, the backward pass (views/stepper/) ----
  const controls = controlsSection();
  const stage = stageSection();
  const arithmetic = arithmeticSection();
  const backward = backwardSection();
  const error = el("p", { class: "error", "data-stepper-error": true, role: "alert", hidden: true });
  const ui = { ...controls.ui, ...stage.ui, ...arithmetic.ui, ...backward.ui, error };
  const playgroundPanel = el("div", { class: "panel playground", "data-playground": true });
  root.replaceChildren(
    el("div", { class: "panel stepper", "data-stepper": true },
      ...controls.nodes, error, stage.node, arithmetic.node, backward.node),
    playgroundPanel);

  // -- data: model, digit, trace, steps (cached) ------------------------------------------------
  // digit -> its conv-step answers (promises, so a position asked twice while the first request
  // is on its way is fetched once), dropped with the digit
  const steps = new WeakMap();
  let traceAbort = null;
  let stepAbort = null;
  let info = null; // {id, model, convs: [{name, index, spec, outShape, inShape}], trace}
  let direction = store.state.stepperDirection === "backward" ? "backward" : "forward";

  const stepsOf = (d) => {
    if (!steps.has(d)) steps.set(d, sharedRequests());
    return steps.get(d);
  };

  async function load() {
    const id = store.state.model;
    if (!id) return null;
    const model = await describeModel(id);
    if (traceAbort) traceAbort.abort();
    traceAbort = new AbortController();
    const trace = await traceOf(id, currentDigit(), undefined, traceAbort.signal);
    return { id, model, convs: convLayers(model), trace };
  }

  // -- the current position ---------------------------------------------------------------------
  // The stepper's own keys in the store and the link: conv, filter, at ("row,col").
  const asked = ({ conv, filter, at }) => ({ layer: conv, channel: filter, ...parseCell(at) });
  const current = () => (info ? stepperPosition(info.convs, asked(store.state)) : null);

  /** Write the normalised position back to the store (only while this tab is shown, so a URL
   * meant for another view is not rewritten); no cell yet: the server's answer writes it. */
  function normalise() {
    const pos = current();
    if (!pos || store.state.tab !== "stepper") return;
    const at = pos.row === null ? store.state.at : formatCell(pos);
    store.set({ conv: pos.conv.name, filter: pos.channel, at });
  }

  function goTo(step) {
    const pos = current();
    if (!pos) return;
    store.set({ at: formatCell(cellOf(moveStep(step, 0, pos.total), pos.outW)) });
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
    } catch (err) {
      showErrorIn(ui.error, err);
      return;
    }
    if (!info) return;
    showControls();
    normalise();
    renderPosition();
    playground.update();
  }

  function showControls() {
    const pos = current();
    if (!pos) {
      showErrorIn(ui.error, { message: "This model has no convolution layer to step through; choose another model." });
      return;
    }
    renderControls(ui, info.convs, pos);
  }

  /** The conv-step answer at `pos` (none: the most active cell), asked once per position and
   * digit; `signal` ends this wait only. A most-active answer is also kept under its cell. */
  async function stepAt(pos, signal) {
    const upstream = direction === "backward" ? ui.upstreamChoice.value : "";
    const key = (row, col) => stepKey([info.id, pos.conv.name, pos.channel, row, col, direction, upstream]);
    const body = { layer: pos.conv.name, channel: pos.channel, direction };
    if (pos.row !== null) Object.assign(body, { row: pos.row, col: pos.col });
    if (upstream && upstream !== "logit") body.upstream = Number(upstream);
    const digit = currentDigit();
    const cache = stepsOf(digit);
    const answer = await cache.get(key(pos.row, pos.col), () => api.convStep(info.id, digit, body), signal);
    if (pos.row === null) cache.get(key(answer.row, answer.col), () => Promise.resolve(answer));
    return answer;
  }

  async function renderPosition() {
    const pos = current();
    if (!pos) return;
    renderPlace(ui, pos);
    renderStage(ui, info.trace, pos);
    clearArithmetic(ui);
    if (stepAbort) stepAbort.abort();
    stepAbort = new AbortController();
    let answer;
    try {
      answer = await stepAt(pos, stepAbort.signal);
    } catch (err) {
      if (!isAbort(err)) {
        showErrorIn(ui.error, err);
        player.stop();
      }
      return;
    }
    if (pos.row === null) {
      // The server chose the cell: it goes into the link, and the store's watcher shows it.
      if (store.state.tab === "stepper") store.set({ at: formatCell(answer) });
      return;
    }
    const now = current();
    if (!now || now.conv.name !== pos.conv.name || now.channel !== pos.channel || now.row !== pos.row || now.col !== pos.col) return;
    showErrorIn(ui.error, null);
    renderArithmetic(ui, answer);
    drawWindow(ui, answer);
    drawImage(ui, info.trace, answer.receptive_field);
    renderBackward(ui, answer, direction);
    if (!player.playing) announce(`row ${pos.row}, column ${pos.col}: sum plus bias ${fixed(answer.pre_activation, 4)}`);
  }

  // -- controls ---------------------------------------------------------------------------------
  const step = (delta) => {
    const pos = current();
    if (pos && pos.step !== null) goTo(moveStep(pos.step, delta, pos.total));
  };
  const player = intervalPlayer(() => {
    const now = current();
    if (!now || now.step === null || now.step >= now.total - 1) player.stop();
    else step(1);
  }, { onChange: (playing) => renderPlaying(ui, playing) });
  const stop = () => player.stop();
  function start() {
    const pos = current();
    if (!pos || pos.step === null) return;
    if (pos.step >= pos.total - 1) goTo(0);
    player.start(Number(ui.speed.value) || 3);
  }
  const toggle = () => (player.playing ? stop() : start());

  ui.play.addEventListener("click", toggle);
  ui.next.addEventListener("click", () => { stop(); step(1); });
  ui.back.addEventListener("click", () => { stop(); step(-1); });
  ui.speed.addEventListener("input", () => {
    ui.speedText.textContent = `${ui.speed.value}/s`;
    if (player.playing) { stop(); start(); }
  });
  ui.scrub.addEventListener("input", () => { stop(); goTo(Number(ui.scrub.value)); });
  // A new layer or filter opens on its most active cell (the server picks it: no `at`).
  ui.layer.addEventListener("change", () => { stop(); store.set({ conv: ui.layer.value, at: null }); });
  ui.channel.addEventListener("change", () => { stop(); store.set({ filter: Number(ui.channel.value), at: null }); });
  ui.direction.addEventListener("click", () => {
    direction = direction === "forward" ? "backward" : "forward";
    store.set({ stepperDirection: direction });
  });
  renderDirection(ui, direction);
  ui.upstreamChoice.addEventListener("change", () => renderPosition());
  ui.stage.addEventListener("keydown", (event) => {
    const pos = current();
    if (!pos || pos.step === null) return;
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
    store.set({ at: formatCell(clampPosition(row, col, pos.outH, pos.outW)) });
  });

  store.watch(["tab", "model", "digit"], (state, changed) => {
    if (state.tab !== "stepper") { stop(); return; }
    if (changed.has("model") || changed.has("digit")) stop();
    refresh();
  });
  store.watch(["conv", "filter", "at", "stepperDirection"], (state, changed) => {
    if (state.tab !== "stepper" || !info) return;
    if (changed.has("stepperDirection")) {
      direction = state.stepperDirection === "backward" ? "backward" : "forward";
      renderDirection(ui, direction);
    }
    if (changed.has("conv") || changed.has("filter")) showControls();
    normalise();
    renderPosition();
  });

  const playground = mountPlayground(playgroundPanel, store, () =>
    info ? toRows(plane(decodeArray(info.trace.input), 0)) : null);

  refresh();
}
