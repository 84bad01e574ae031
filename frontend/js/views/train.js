// The Train view: set up a run (a preset or a network built layer by layer), start it, and watch
// it learn live: loss per step, train/validation scores per epoch, the first layer's filters,
// then the confusion matrix, per-class accuracy and the misclassified digits. The job id lives in
// the URL (`job`), so the same run opens in another browser (the server replays its history).
import * as api from "../api.js";
import { lineChart } from "../components/chart.js";
import { drawHeatmap, heatmapCanvas, legend } from "../components/heatmap.js";
import { decodeArray, fromRows } from "../lib/arrays.js";
import { css, inkOn, scaleFor } from "../lib/colour.js";
import { fixed, grouped, percent } from "../lib/format.js";
import { LAYER_KINDS, defaultLayer, firstError, layerShapes, moved, starterLayers, toSpec } from "../lib/shapes.js";
import { smoother, weightFor } from "../lib/smooth.js";
import { formProblems } from "../lib/trainform.js";
import { announce, refreshModels } from "../shell.js";
import { el as h } from "../components/dom.js";

const PRESETS = [
  ["simple", "simple: 8 filters 3×3, pool, dense (fastest)"],
  ["lenet5", "LeNet-5: two conv blocks, three dense layers"],
  ["tinyvgg", "Tiny VGG: four 3×3 convs of 10 filters"],
  ["custom", "custom: build it layer by layer"],
];
const OPTIMIZERS = ["adam", "sgd", "rmsprop", "adagrad"];
const AUGMENTATION = { rotation: 10, shift: 2 };
const DEFAULTS = {
  model: "simple", dataset: "mnist", classes: [0, 1], train_size: 500, optimizer: "adam",
  lr: 0.001, batch_size: 32, epochs: 1, seed: 0, augmentation: false, layers: starterLayers(2),
};
const PARAMS = {
  Conv2D: [["out_channels", "filters"], ["kernel_size", "kernel"], ["stride", "stride"], ["padding", "padding"]],
  MaxPool2D: [["kernel_size", "kernel"], ["stride", "stride"]],
  Dense: [["out_features", "outputs"]],
  ReLU: [], Flatten: [],
};

// Cell colours: blue for correct answers (by their share of the row), orange for mistakes
// (by their size against the largest mistake), each mixed into white.
const CORRECT = [34, 81, 199];
const WRONG = [230, 120, 0];
const mix = (rgb, t) => rgb.map((c) => Math.round(255 + (c - 255) * Math.min(1, Math.max(0, t))));

const seconds = (s) => (s < 60 ? `${fixed(s, 1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

export function mount(root, store) {
  const form = { ...DEFAULTS, ...(store.state.trainForm || {}) };
  let datasets = [];
  let close = null;
  let jobId = null;
  let job = null; // the last GET /api/train/{id}
  let run = null; // what the events told us so far
  let clock = null;

  // -- layout ------------------------------------------------------------------------------------
  root.classList.add("train");
  const formEl = h("form", { class: "panel train-form", "data-train-form": true, "aria-labelledby": "train-form-title", novalidate: true });
  const main = h("div", { class: "train-main" });
  root.replaceChildren(h("div", { class: "train-layout" }, formEl, main));

  // Run panel: controls, state, progress.
  const startBtn = h("button", { type: "submit", form: "", class: "primary big", "data-train-start": true, text: "Start training" });
  const pauseBtn = h("button", { type: "button", class: "big", "data-train-pause": true, disabled: true, text: "Pause" });
  const stepBtn = h("button", { type: "button", class: "big", "data-train-step": true, disabled: true, text: "Step one batch" });
  const stopBtn = h("button", { type: "button", class: "big", "data-train-stop": true, disabled: true, text: "Stop" });
  const stateEl = h("span", { class: "job-state", "data-job-state": true, "data-state": "idle", text: "idle" });
  const jobLabel = h("span", { class: "muted job-id num" });
  const progressBar = h("progress", { max: "1", value: "0", "aria-label": "training progress" });
  const progressText = h("p", { class: "progress-text num", "data-train-progress": true, text: "Not started. Set up a run and press Start." });
  const runError = h("p", { class: "error", role: "alert", hidden: true });
  const metricsEl = h("dl", { class: "train-metrics", "data-train-metrics": true });
  main.append(h("section", { class: "panel train-run", "aria-labelledby": "train-run-title" },
    h("div", { class: "run-head" }, h("h2", { id: "train-run-title", text: "Run" }), h("span", { class: "state-wrap" }, "State: ", stateEl), jobLabel),
    h("div", { class: "row controls" }, startBtn, pauseBtn, stepBtn, stopBtn),
    progressBar, progressText, metricsEl, runError));

  // Charts.
  const lossRoot = h("div", { "data-loss-chart": true, "data-points": "0" });
  main.append(h("section", { class: "panel" }, lossRoot));
  const epochLossRoot = h("div", { "data-epoch-loss-chart": true });
  const epochAccRoot = h("div", { "data-epoch-accuracy-chart": true });
  main.append(h("div", { class: "train-epochs" }, h("section", { class: "panel" }, epochLossRoot), h("section", { class: "panel" }, epochAccRoot)));
  const lossChart = lineChart(lossRoot, {
    title: "Loss per step", xLabel: "training step (one batch)", yLabel: "loss", xName: "step",
    series: [
      { key: "raw", label: "batch loss", className: "s-raw" },
      { key: "smooth", label: "smoothed (moving average)", className: "s-smooth" },
    ],
    format: (v) => fixed(v, 3), height: 300,
  });
  const epochLoss = lineChart(epochLossRoot, {
    title: "Loss per epoch", xLabel: "epoch", yLabel: "loss", xName: "epoch", x: [0, 1],
    series: [
      { key: "train", label: "training", className: "s-train", markers: true },
      { key: "val", label: "validation", className: "s-val", markers: true },
    ],
    format: (v) => fixed(v, 3), height: 240,
  });
  const epochAcc = lineChart(epochAccRoot, {
    title: "Accuracy per epoch", xLabel: "epoch", yLabel: "accuracy", xName: "epoch", x: [0, 1], y: [0, 1],
    series: [
      { key: "train", label: "training", className: "s-train", markers: true },
      { key: "val", label: "validation", className: "s-val", markers: true },
    ],
    format: (v) => percent(v, 1), tickFormat: (v) => percent(v, 0), height: 240,
  });

  // Filters.
  const filtersGrid = h("div", { class: "filters-grid", "data-filters": true });
  const filtersNote = h("p", { class: "muted", text: "The first convolution's filters appear here when a run starts, and change after every epoch." });
  const filtersLegend = h("div", { class: "filters-legend" });
  main.append(h("section", { class: "panel", "aria-labelledby": "train-filters-title" },
    h("h2", { id: "train-filters-title", text: "First-layer filters" }), filtersNote, filtersLegend, filtersGrid));

  // Results.
  const results = h("section", { class: "panel train-results", "data-train-results": true, "aria-labelledby": "train-results-title", hidden: true });
  main.append(results);

  // -- the form ----------------------------------------------------------------------------------
  function saveForm() { store.set({ trainForm: { ...form } }); }

  function field(label, input, note) {
    return h("label", { class: "field" }, h("span", { class: "field-label", text: label }), input, note || null);
  }
  function numberInput(name, { min, max, step = 1 } = {}) {
    const input = h("input", { type: "number", name, min, max, step, value: String(form[name]), inputmode: step === 1 ? "numeric" : "decimal" });
    input.addEventListener("input", () => {
      const v = Number(input.value);
      form[name] = input.value === "" ? null : v;
      saveForm();
    });
    return input;
  }

  const modelSelect = h("select", { name: "model" }, ...PRESETS.map(([v, t]) => h("option", { value: v, text: t })));
  modelSelect.value = form.model;
  const builder = h("div", { class: "builder", "data-layer-builder": true });
  const datasetSelect = h("select", { name: "dataset" });
  const datasetNote = h("p", { class: "dataset-note", "data-dataset-note": true, hidden: true });
  const classBox = h("fieldset", { class: "classes", "data-classes": true });
  const optimizerSelect = h("select", { name: "optimizer" }, ...OPTIMIZERS.map((o) => h("option", { value: o, text: o })));
  optimizerSelect.value = form.optimizer;
  const augment = h("input", { type: "checkbox", name: "augmentation" });
  augment.checked = Boolean(form.augmentation);
  const formError = h("div", { class: "error form-error", role: "alert", "data-train-error": true, hidden: true });

  formEl.append(
    h("h2", { id: "train-form-title", text: "Set up a run" }),
    field("Network", modelSelect), builder,
    field("Dataset", datasetSelect), datasetNote,
    classBox,
    h("div", { class: "grid2" },
      field("Training digits", numberInput("train_size", { min: 1 })),
      field("Epochs", numberInput("epochs", { min: 1, max: 1000 })),
      field("Batch size", numberInput("batch_size", { min: 1, max: 512 })),
      field("Learning rate", numberInput("lr", { min: 0, step: "any" })),
      field("Optimizer", optimizerSelect),
      field("Seed", numberInput("seed", { min: 0 }))),
    h("label", { class: "check" }, augment, h("span", { text: `Augmentation: random rotation ±${AUGMENTATION.rotation}° and shift ±${AUGMENTATION.shift} px` })),
    formError);
  // The start button lives in the run panel but submits this form.
  formEl.id = "train-form";
  startBtn.setAttribute("form", "train-form");

  modelSelect.addEventListener("change", () => { form.model = modelSelect.value; saveForm(); renderBuilder(); });
  optimizerSelect.addEventListener("change", () => { form.optimizer = optimizerSelect.value; saveForm(); });
  augment.addEventListener("change", () => { form.augmentation = augment.checked; saveForm(); });
  datasetSelect.addEventListener("change", () => { form.dataset = datasetSelect.value; saveForm(); renderDataset(); });

  function currentDataset() { return datasets.find((d) => d.name === form.dataset); }

  function renderDataset() {
    const info = currentDataset();
    const names = info ? info.classes : Array.from({ length: 10 }, (_, i) => String(i));
    const chosen = new Set(form.classes || names.map((_, i) => i));
    const boxes = names.map((name, i) => {
      const box = h("input", { type: "checkbox", name: "class", value: String(i) });
      box.checked = chosen.has(i);
      box.addEventListener("change", () => {
        const picked = [...classBox.querySelectorAll('input[name="class"]')].filter((b) => b.checked).map((b) => Number(b.value));
        setClasses(picked.length === names.length ? null : picked, false);
      });
      return h("label", { class: "class-box" }, box, h("span", { text: name }));
    });
    const quick = [
      [`${names[0]} vs ${names[1]}`, [0, 1], "two"],
      [`${names[0]}, ${names[1]}, ${names[2]}`, [0, 1, 2], "three"],
      [`all ${names.length}`, null, "all"],
    ].map(([text, classes, key]) => {
      const b = h("button", { type: "button", "data-classes-quick": key, text });
      b.addEventListener("click", () => setClasses(classes, true));
      return b;
    });
    classBox.replaceChildren(h("legend", { text: "Classes to learn" }), h("div", { class: "row quick" }, ...quick), h("div", { class: "class-boxes" }, ...boxes));
    if (!info) { datasetNote.hidden = true; return; }
    const train = info.splits.train;
    datasetNote.hidden = Boolean(train && train.present);
    if (!datasetNote.hidden) {
      datasetNote.replaceChildren(
        h("strong", { text: `The training split of ${info.title} is not on the server. ` }),
        "Download it on the server with ", h("code", { text: `cnnviz data download ${info.name}` }), ", or here: ",
        downloadButton(info));
    } else if (train.count < train.expected) {
      datasetNote.hidden = false;
      datasetNote.className = "dataset-note muted";
      datasetNote.textContent = `${grouped(train.count)} of ${grouped(train.expected)} training images are on the server.`;
    }
  }

  function downloadButton(info) {
    const button = h("button", { type: "button", text: info.downloading ? "Downloading…" : "Download now", disabled: info.downloading });
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await api.downloadDataset(info.name);
        api.followDownload(info.name, {
          progress: (e) => { button.textContent = `Downloading ${e.file}: ${percent(e.total ? e.done / e.total : 0, 0)}`; },
          done: async () => { datasets = await api.listDatasets(); renderDataset(); },
          error: (e) => { button.textContent = "Download failed"; showFormError(e && e.message); },
        });
      } catch (error) {
        showFormError(error.message);
        button.disabled = false;
      }
    });
    return button;
  }

  function setClasses(classes, rerender) {
    form.classes = classes;
    const k = classes ? classes.length : (currentDataset()?.classes.length || 10);
    const last = form.layers[form.layers.length - 1];
    if (last && last.type === "Dense") form.layers = [...form.layers.slice(0, -1), { ...last, out_features: k }];
    saveForm();
    if (rerender) renderDataset();
    renderBuilder();
  }

  function classCount() {
    return form.classes ? form.classes.length : (currentDataset()?.classes.length || 10);
  }

  function renderBuilder() {
    builder.hidden = form.model !== "custom";
    if (builder.hidden) { builder.replaceChildren(); return; }
    const shapes = layerShapes(form.layers, [1, 28, 28], classCount());
    const bad = firstError(shapes);
    const list = h("ol", { class: "layers" });
    form.layers.forEach((layer, i) => {
      const s = shapes[i];
      const params = PARAMS[layer.type].map(([key, label]) => {
        const input = h("input", { type: key === "padding" ? "text" : "number", min: key === "padding" ? null : "1", value: String(layer[key] ?? ""), "aria-label": `layer ${i + 1} ${layer.type} ${label}`, size: "3" });
        input.addEventListener("change", () => {
          const raw = input.value.trim();
          const value = key === "padding" && Number.isNaN(Number(raw)) ? raw : raw === "" ? null : Number(raw);
          form.layers = form.layers.map((l, j) => (j === i ? { ...l, [key]: value } : l));
          saveForm();
          renderBuilder();
          builder.querySelector(`[aria-label="${input.getAttribute("aria-label")}"]`)?.focus();
        });
        return h("label", { class: "param" }, h("span", { text: label }), input);
      });
      const move = (to, text, label) => {
        const b = h("button", { type: "button", class: "icon", "aria-label": `${label} layer ${i + 1}`, text, disabled: to < 0 || to >= form.layers.length });
        b.addEventListener("click", () => { form.layers = moved(form.layers, i, to); saveForm(); renderBuilder(); });
        return b;
      };
      const remove = h("button", { type: "button", class: "icon", "aria-label": `remove layer ${i + 1}`, text: "✕" });
      remove.addEventListener("click", () => { form.layers = form.layers.filter((_, j) => j !== i); saveForm(); renderBuilder(); });
      const shapeText2 = s.output ? `→ ${s.output.join("×")}` : i > bad && bad >= 0 ? "→ ?" : "";
      list.append(h("li", { class: `layer${s.error ? " bad" : ""}`, "data-layer-row": String(i) },
        h("span", { class: "layer-type", text: layer.type }), ...params,
        h("span", { class: "layer-shape num", "data-layer-shape": true, text: shapeText2 }),
        h("span", { class: "layer-tools" }, move(i - 1, "↑", "move up"), move(i + 1, "↓", "move down"), remove),
        s.error ? h("p", { class: "layer-error", role: "alert", text: `Layer ${i + 1} does not fit: ${s.error}` }) : null));
    });
    const kind = h("select", { "aria-label": "layer type to add" }, ...LAYER_KINDS.map((t) => h("option", { value: t, text: t })));
    const add = h("button", { type: "button", text: "Add layer" });
    add.addEventListener("click", () => { form.layers = [...form.layers, defaultLayer(kind.value)]; saveForm(); renderBuilder(); });
    const reset = h("button", { type: "button", text: "Start over" });
    reset.addEventListener("click", () => { form.layers = starterLayers(classCount()); saveForm(); renderBuilder(); });
    builder.replaceChildren(
      h("p", { class: "muted", text: "Input 1×28×28. Each row shows its output shape." }),
      list, h("div", { class: "row" }, kind, add, reset));
    if (bad < 0) builder.append(h("p", { class: "good", text: `Fits: ${form.layers.length} layers, ending with ${classCount()} outputs.` }));
  }

  function showFormError(message) {
    formError.hidden = !message;
    formError.textContent = message || "";
  }

  formEl.addEventListener("submit", async (event) => {
    event.preventDefault();
    showFormError(null);
    const problems = formProblems(form);
    if (problems.length) { showFormError(problems.join(" ")); return; }
    if (form.model === "custom") {
      const bad = firstError(layerShapes(form.layers, [1, 28, 28], classCount()));
      if (bad >= 0) { showFormError(`Layer ${bad + 1} does not fit; fix it before starting.`); return; }
    }
    const body = {
      dataset: form.dataset, classes: form.classes, train_size: form.train_size, optimizer: form.optimizer,
      lr: form.lr, batch_size: form.batch_size, epochs: form.epochs, seed: form.seed,
      augmentation: form.augmentation ? { ...AUGMENTATION } : null, emit_filters: true,
    };
    if (form.model === "custom") body.spec = toSpec(form.layers);
    else body.model = form.model;
    startBtn.disabled = true;
    try {
      const created = await api.startTraining(body);
      follow(created.id);
      store.set({ job: created.id });
      announce("Training started.");
    } catch (error) {
      showFormError(error.message);
      startBtn.disabled = false;
    }
  });

  // -- following a job -----------------------------------------------------------------------------
  function resetRun() {
    run = { start: null, steps: 0, epochs: [], done: null, filters: null, smooth: smoother(0.8) };
    lossChart.reset();
    epochLoss.reset();
    epochAcc.reset();
    lossRoot.dataset.points = "0";
    filtersGrid.replaceChildren();
    filtersLegend.replaceChildren();
    results.hidden = true;
    results.replaceChildren();
    metricsEl.replaceChildren();
    runError.hidden = true;
    progressBar.value = 0;
  }

  function setState(state) {
    stateEl.textContent = state;
    stateEl.dataset.state = state;
    const live = state === "running" || state === "paused";
    startBtn.disabled = live;
    pauseBtn.disabled = !live;
    pauseBtn.textContent = state === "paused" ? "Resume" : "Pause";
    pauseBtn.setAttribute("aria-pressed", String(state === "paused"));
    stepBtn.disabled = state !== "paused";
    stopBtn.disabled = !live;
    if (live && !clock) clock = setInterval(renderProgress, 500);
    if (!live && clock) { clearInterval(clock); clock = null; }
    renderProgress();
  }

  async function refreshJob() {
    if (!jobId) return;
    const id = jobId;
    try {
      const record = await api.getJob(id);
      if (id !== jobId) return;
      job = record;
      if (run.done && (record.state === "running" || record.state === "paused" || (record.state === "done" && !record.model_id))) {
        // The done event comes before the worker has saved the model: ask again shortly.
        if ((run.retries = (run.retries || 0) + 1) < 40) setTimeout(() => { if (id === jobId) refreshJob(); }, 250);
        renderResults();
        return;
      }
      setState(record.state);
      if (record.error) showRunError(record.error);
      if (run.done) renderResults();
    } catch (error) {
      if (id === jobId) showRunError(`Job ${id}: ${error.message}`);
    }
  }

  function showRunError(message) {
    runError.hidden = !message;
    runError.textContent = message || "";
  }

  /** Follow a job named by a link (`#job=`): one the server no longer knows (it restarted, or
   * the link is old) gets a message and leaves the URL, instead of a 404 on every request. */
  async function followLink(id) {
    let known;
    try {
      known = (await api.listJobs()).some((record) => record.id === id);
    } catch (error) {
      showRunError(`The training runs cannot be listed: ${error.message}`);
      return;
    }
    if (store.state.job !== id) return; // the link changed meanwhile
    if (known) {
      follow(id);
      return;
    }
    showRunError(`This server has no training run ${id}: the link is from an earlier session. Set up a new run and press Start.`);
    store.set({ job: null });
  }

  function follow(id) {
    if (close) close();
    jobId = id;
    job = null;
    resetRun();
    jobLabel.textContent = id;
    setState("running");
    refreshJob();
    close = api.followJob(id, {
      start: onStart,
      step: onStep,
      epoch: onEpoch,
      filters: onFilters,
      done: (event) => { run.done = event; refreshJob(); announce(`Training finished${event.accuracy == null ? "" : `: ${percent(event.accuracy)} accuracy on the ${event.evaluated_on} set`}.`); },
      error: (event) => { showRunError(`Training failed: ${(event && (event.message || event.error)) || "see the server log"}`); refreshJob(); },
      interrupted: () => { showRunError("The server restarted or shut down while this run was training; start it again."); refreshJob(); },
    }, () => { refreshJob(); });
  }

  function onStart(event) {
    run.start = event;
    lossChart.setX([0, event.total_steps]);
    epochLoss.setX([0, event.epochs]);
    epochAcc.setX([0, event.epochs]);
    run.smooth = smoother(weightFor(event.total_steps));
    renderProgress();
  }

  function onStep(event) {
    run.last = event;
    run.steps += 1;
    lossChart.append("raw", event.global_step, event.loss);
    lossChart.append("smooth", event.global_step, run.smooth.push(event.loss));
    lossRoot.dataset.points = String(lossChart.series("raw").length);
    renderProgress();
  }

  function onEpoch(event) {
    run.epochs.push(event);
    epochLoss.append("train", event.epoch, event.train_loss);
    epochLoss.append("val", event.epoch, event.val_loss);
    epochAcc.append("train", event.epoch, event.train_accuracy);
    epochAcc.append("val", event.epoch, event.val_accuracy);
    renderProgress();
  }

  function onFilters(event) {
    const [out, inC, kh, kw] = event.shape;
    const maps = [];
    for (let o = 0; o < out; o += 1) maps.push(fromRows(event.weights[o][0]));
    let bound = 0;
    for (const m of maps) for (const v of m.data) bound = Math.max(bound, Math.abs(v));
    const scale = scaleFor([-bound, bound], { signed: true });
    const existing = filtersGrid.querySelectorAll("canvas");
    if (existing.length === out) {
      maps.forEach((m, o) => {
        drawHeatmap(existing[o], m, scale);
        existing[o].setAttribute("aria-label", `filter ${o + 1} after epoch ${event.epoch}, ${kh}×${kw} weights`);
      });
    } else {
      filtersGrid.replaceChildren(...maps.map((m, o) => h("figure", { class: "filter" },
        heatmapCanvas(m, { size: 72, scale, label: `filter ${o + 1} after epoch ${event.epoch},` }),
        h("figcaption", { class: "num", text: String(o + 1) }))));
    }
    filtersLegend.replaceChildren(legend(scale, "weight"));
    filtersNote.textContent = `${event.layer}: ${out} filters of ${kh}×${kw}${inC > 1 ? ` (input channel 1 of ${inC})` : ""}, ${event.epoch === 0 ? "before training (random start)" : `after epoch ${event.epoch}`}. Orange is a positive weight, blue a negative one.`;
  }

  function renderProgress() {
    if (!run || !run.start) {
      if (jobId && run) progressText.textContent = "Waiting for the run to start…";
      return;
    }
    const s = run.start;
    const last = run.last;
    const done = run.done;
    const stepNow = done ? done.global_step : last ? last.global_step : 0;
    const epochNow = last ? last.epoch : 0;
    progressBar.max = s.total_steps;
    progressBar.value = stepNow;
    let elapsed = null;
    if (done) elapsed = done.seconds;
    else if (job) elapsed = Date.now() / 1000 - job.created;
    progressText.textContent = [
      `Epoch ${epochNow} of ${s.epochs}`,
      `step ${grouped(stepNow)} of ${grouped(s.total_steps)}`,
      elapsed === null ? null : `${seconds(Math.max(0, elapsed))} elapsed`,
    ].filter(Boolean).join(" · ");
    const items = [
      ["training digits", grouped(s.train_size)], ["validation", grouped(s.validation_size)],
      ["classes", s.class_names.join(", ")],
    ];
    if (last && last.loss !== null) items.push(["batch loss", fixed(last.loss, 3)]);
    const lastEpoch = run.epochs[run.epochs.length - 1];
    if (lastEpoch && lastEpoch.val_accuracy !== null) items.push(["validation accuracy", percent(lastEpoch.val_accuracy)]);
    if (done && done.accuracy !== null) items.push([`${done.evaluated_on} accuracy`, percent(done.accuracy)]);
    metricsEl.replaceChildren(...items.map(([k, v]) => h("div", {}, h("dt", { text: k }), h("dd", { class: "num", text: v }))));
  }

  // -- results ---------------------------------------------------------------------------------
  function renderResults() {
    const d = run.done;
    renderProgress();
    results.hidden = false;
    const names = d.class_names;
    const useBtn = h("button", { type: "button", class: "primary big", "data-use-model": true, disabled: !(job && job.model_id), text: "Use this model in every view" });
    const useNote = h("span", { class: "muted" , text: job && job.model_id ? `model ${job.model_id}` : "the model id is not known yet" });
    useBtn.addEventListener("click", async () => {
      useBtn.disabled = true;
      try {
        await refreshModels();
        store.set({ model: job.model_id });
        useNote.textContent = `Now every view uses ${job.model_id}.`;
        announce(`Model ${job.model_id} selected.`);
      } catch (error) {
        useNote.textContent = error.message;
        useNote.className = "error";
      } finally {
        useBtn.disabled = false;
      }
    });
    const head = h("div", { class: "results-head" },
      h("h2", { id: "train-results-title", text: d.stopped ? "Results (stopped early)" : "Results" }),
      d.accuracy === null ? null : h("p", { class: "big-number num", "data-final-accuracy": true, text: percent(d.accuracy) }),
      d.accuracy === null ? null : h("p", { class: "muted", text: `accuracy on ${grouped(d.count)} ${d.evaluated_on} digits never seen in training · loss ${fixed(d.loss, 3)} · ${grouped(d.global_step)} steps in ${seconds(d.seconds)}` }),
      h("div", { class: "row" }, useBtn, useNote));
    if (!d.confusion_matrix) {
      results.replaceChildren(head, h("p", { class: "muted", text: "No evaluation: this run had neither a test nor a validation set." }));
      return;
    }
    const wrong = d.misclassified || [];
    const gallery = h("div", { class: "misclassified", "data-misclassified": true, "aria-live": "polite" },
      h("p", { class: "muted", text: wrong.length ? "Choose a cell off the diagonal to see those mistakes." : "No mistakes to show." }));
    const table = confusionTable(d, (t, p) => showMistakes(d, t, p, gallery));
    const perClass = h("ul", { class: "class-accuracy", "data-class-accuracy": true, "aria-label": "accuracy per class" },
      ...d.per_class_accuracy.map((a, i) => {
        const bar = h("span", { class: "bar" }, h("span", { class: "fill" }));
        bar.firstChild.style.width = `${a === null ? 0 : a * 100}%`;
        return h("li", { "data-class": String(d.classes[i]) }, h("span", { class: "cls", text: names[i] }), bar,
          h("span", { class: "num", text: a === null ? "—" : percent(a, 1) }));
      }));
    results.replaceChildren(head,
      h("div", { class: "results-grid" },
        h("div", {}, h("h3", { text: "Confusion matrix" }),
          h("p", { class: "muted", text: `Rows: the true class. Columns: what the model said. Blue: right (darker = more of the row). Orange: mistakes (darker = more). Counts of ${d.evaluated_on} digits.` }),
          h("div", { class: "table-wrap" }, table)),
        h("div", {}, h("h3", { text: "Accuracy per class" }), perClass)),
      h("h3", { class: "mistakes-title", text: "Mistakes" }), gallery);
  }

  function confusionTable(d, onPick) {
    const m = d.confusion_matrix;
    const names = d.class_names;
    const table = h("table", { class: "confusion", "data-confusion": true });
    table.append(h("caption", { class: "sr-only", text: "Confusion matrix: rows are true classes, columns predicted classes, cells count digits" }));
    const headRow = h("tr", {}, h("th", { scope: "col", class: "corner" }, h("span", { text: "true ↓" }), h("span", { text: "said →" })), ...names.map((n) => h("th", { scope: "col", text: n })));
    table.append(h("thead", {}, headRow));
    const body = h("tbody");
    const listed = new Set((d.misclassified || []).map((w) => `${w.true},${w.pred}`));
    m.forEach((row, t) => {
      const total = row.reduce((a, b) => a + b, 0) || 1;
      const maxOff = Math.max(1, ...m.flatMap((r, i) => r.filter((_, j) => j !== i)));
      const tr = h("tr", {}, h("th", { scope: "row", text: names[t] }));
      row.forEach((count, p) => {
        const colour = t === p ? mix(CORRECT, 0.15 + 0.75 * (count / total)) : mix(WRONG, count ? 0.12 + 0.6 * (count / maxOff) : 0);
        const td = h("td", { "data-cell": `${d.classes[t]},${d.classes[p]}`, class: t === p ? "diag" : "off" });
        td.style.background = count ? css(colour) : "";
        td.style.color = count ? inkOn(colour) : "";
        const label = `${count} ${names[t]} read as ${names[p]}`;
        if (t !== p && count > 0) {
          const b = h("button", { type: "button", class: "cell", text: grouped(count), "aria-label": `${label}: show them`, "data-has-examples": String(listed.has(`${t},${p}`)) });
          b.addEventListener("click", () => {
            for (const other of table.querySelectorAll("button.cell[aria-pressed]")) other.removeAttribute("aria-pressed");
            b.setAttribute("aria-pressed", "true");
            onPick(t, p);
          });
          td.append(b);
        } else {
          td.append(h("span", { class: "cell", text: grouped(count), "aria-label": label }));
        }
        tr.append(td);
      });
      body.append(tr);
    });
    table.append(body);
    return table;
  }

  let mistakesAbort = null;
  async function showMistakes(d, t, p, gallery) {
    if (mistakesAbort) mistakesAbort.abort();
    const abort = new AbortController();
    mistakesAbort = abort;
    const names = d.class_names;
    const all = d.misclassified || [];
    const chosen = all.filter((w) => w.true === t && w.pred === p);
    const count = d.confusion_matrix[t][p];
    const title = `${grouped(count)} × ${names[t]} read as ${names[p]}`;
    const note = chosen.length < count
      ? `The first ${chosen.length} of them, in ${d.evaluated_on}-set order.`
      : "";
    gallery.replaceChildren(h("p", { class: "gallery-title", text: title }));
    if (note) gallery.append(h("p", { class: "muted", text: note }));
    if (!chosen.length) return;
    const split = d.evaluated_on === "test" ? "test" : "train";
    const dataset = (run.start && run.start.config.dataset) || form.dataset;
    const grid = h("div", { class: "digits" });
    gallery.append(grid);
    for (const w of chosen) {
      if (abort.signal.aborted) return;
      try {
        const sample = await api.samplesAt(dataset, { split, offset: w.index, n: 1 });
        if (abort.signal.aborted) return;
        const image = decodeArray(sample.images);
        const [hh, ww] = image.shape.slice(-2);
        const map = { height: hh, width: ww, data: image.data };
        const canvas = heatmapCanvas(map, { size: 84, scale: scaleFor([0, 255]), label: `${split} digit ${w.index}, a ${names[w.true]} read as ${names[w.pred]},` });
        canvas.classList.add("digit");
        grid.append(h("figure", { class: "digit-card" }, canvas,
          h("figcaption", {}, h("span", { class: "num", text: `#${w.index}` }), h("span", { class: "num", text: `${percent(w.confidence, 0)} sure` }))));
      } catch (error) {
        grid.append(h("p", { class: "error", text: error.message }));
        return;
      }
    }
  }

  // -- buttons -------------------------------------------------------------------------------
  async function command(name) {
    if (!jobId) return;
    try {
      const result = await api.controlJob(jobId, name);
      if (result.id === jobId) setState(result.state);
      announce(`Training ${result.state}.`);
    } catch (error) {
      showRunError(error.message);
      refreshJob();
    }
  }
  pauseBtn.addEventListener("click", () => command(stateEl.textContent === "paused" ? "resume" : "pause"));
  stepBtn.addEventListener("click", () => command("step"));
  stopBtn.addEventListener("click", () => command("stop"));

  store.watch(["job"], (state) => {
    if (state.job && state.job !== jobId) followLink(state.job);
  });

  // -- boot --------------------------------------------------------------------------------------
  renderBuilder();
  renderDataset();
  api.listDatasets().then((list) => {
    datasets = list;
    if (!datasets.some((d) => d.name === form.dataset) && datasets.length) form.dataset = datasets[0].name;
    datasetSelect.replaceChildren(...datasets.map((d) => h("option", { value: d.name, text: d.title })));
    datasetSelect.value = form.dataset;
    renderDataset();
  }).catch((error) => showFormError(`The datasets cannot be listed: ${error.message}`));
  if (store.state.job) followLink(store.state.job);
}
