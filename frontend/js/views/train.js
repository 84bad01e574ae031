// The Train view: set up a run (a preset or a network built layer by layer) with what it would
// be shown before it starts, start it, and watch it learn live at its pace: loss per step,
// validation points every few steps, the first layer's filters and one layer's output for a
// probe digit, then the confusion matrix, per-class accuracy and the misclassified digits. The
// job id lives in the URL (`job`), so the same run opens in another browser (the server replays
// its history). A job started while every trainer is busy waits in the server's queue: the run
// panel says where it is in line (from the server's `queued` events) until it starts, and Stop
// reads Cancel there.
// This module holds the frame, the job being followed and the wiring; each section is drawn by a
// module in views/train/.
import * as api from "../api.js";
import { percent } from "../lib/format.js";
import { announce } from "../shell.js";
import { el as h, isAbort } from "../components/dom.js";
import { recipeForm } from "../lib/trainrecipe.js";
import { rate } from "../lib/traincompare.js";
import { waitingLine } from "../lib/trainqueue.js";
import { DEFAULTS, setupForm } from "./train/form.js";
import { comparePanel } from "./train/compare.js";
import { recipePicker } from "./train/recipes.js";
import { runPanel } from "./train/run.js";
import { trainCharts } from "./train/charts.js";
import { filtersPanel } from "./train/filters.js";
import { probePanel } from "./train/probe.js";
import { resultsPanel } from "./train/results.js";

export function mount(root, store) {
  const form = { ...DEFAULTS, ...(store.state.trainForm || {}) };
  let close = null;
  let jobId = null;
  let job = null; // the last GET /api/train/{id}
  let run = null; // what the events told us so far
  let clock = null;

  // -- layout (views/train/) -----------------------------------------------------------------------
  root.classList.add("train");
  const recipes = recipePicker({ pick: (name) => store.set({ recipe: name || null }) });
  let setup = null; // the form, built again when a set-up fills it
  const panel = runPanel();
  const charts = trainCharts();
  const filters = filtersPanel();
  const probe = probePanel();
  const results = resultsPanel(store);
  const compare = comparePanel();
  const live = h("div", { class: "train-live" }, filters.section, probe.section);
  const main = h("div", { class: "train-main" }, panel.section, ...charts.elements, live, results.section, compare.section);
  const slot = h("div", { class: "train-setup" });
  root.replaceChildren(h("div", { class: "train-layout" }, slot, main));
  // The start button lives in the run panel but submits this form.
  panel.startBtn.setAttribute("form", "train-form");

  function mountSetup() {
    if (setup) setup.stop();
    setup = setupForm(form, { save: () => store.set({ trainForm: { ...form } }), top: recipes.element });
    setup.element.id = "train-form";
    setup.element.addEventListener("submit", submit);
    slot.replaceChildren(setup.element);
    setup.load();
  }

  // Start asks the server's plan first: a run it cannot serve is never sent (its problems are
  // shown beside their fields); a refusal that comes anyway (the data changed) is shown the same.
  async function submit(event) {
    event.preventDefault();
    setup.showError(null);
    const problem = setup.check();
    if (problem) { setup.showError(problem); return; }
    panel.startBtn.disabled = true;
    try {
      const plan = await setup.planNow();
      if (!plan || !plan.fits) {
        if (plan) setup.showProblems(plan);
        panel.startBtn.disabled = false;
        return;
      }
      const created = await api.startTraining(setup.body());
      follow(created.id, created);
      store.set({ job: created.id });
      compare.refresh();
      announce(created.state === "queued" ? `Every trainer is busy. ${waitingLine(created.queue_position)}.` : "Training started.");
    } catch (error) {
      if (error.detail && error.detail.fields) setup.showProblems(error.detail);
      else if (!isAbort(error)) setup.showError(error.message);
      panel.startBtn.disabled = false;
    }
  }

  /** Fill the form from the set-up `name` of the link (none: leave the form as it is). */
  async function applyRecipe(name) {
    if (!name) { recipes.show(null); return; }
    const recipe = await recipes.find(name);
    if (store.state.recipe !== name) return; // another set-up was chosen meanwhile
    if (!recipe) {
      setup.showError(`There is no notebook set-up called "${name}" on this server; choose one from the list.`);
      return;
    }
    Object.assign(form, recipeForm(recipe.config, DEFAULTS));
    store.set({ trainForm: { ...form } });
    mountSetup();
    recipes.show(recipe, form.extra);
    announce(`The form holds the set-up "${recipe.title}".`);
  }

  // -- following a job -----------------------------------------------------------------------------
  const renderProgress = () => panel.progress(run, job, jobId);

  function renderResults() {
    renderProgress();
    results.render(run.done, job, () => (run.start && run.start.config.dataset) || form.dataset);
  }

  function resetRun() {
    run = { start: null, steps: 0, epochs: [], points: [], done: null, failed: null, position: null };
    charts.reset();
    filters.reset();
    probe.reset();
    results.reset();
    panel.reset();
  }

  function setState(state) {
    const live = panel.setState(state);
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
      if (record.state === "failed" && !run.failed) run.failed = record.error;
      if (run.position === null) run.position = record.queue_position;
      // A record read before the job started can arrive after its start event.
      setState(record.state === "queued" && run.start ? "running" : record.state);
      if (record.error) panel.showError(record.error);
      if (run.done) renderResults();
    } catch (error) {
      if (id === jobId) panel.showError(`Job ${id}: ${error.message}`);
    }
  }

  /** Follow a job named by a link (`#job=`): one the server no longer knows (it restarted, or
   * the link is old) gets a message and leaves the URL, instead of a 404 on every request. */
  async function followLink(id) {
    let known;
    try {
      known = (await api.listJobs()).find((record) => record.id === id);
    } catch (error) {
      panel.showError(`The training runs cannot be listed: ${error.message}`);
      return;
    }
    if (store.state.job !== id) return; // the link changed meanwhile
    if (known) {
      follow(id, known);
      return;
    }
    if (jobId) unfollow();
    panel.showError(`This server has no training run ${id}: the link is from an earlier session. Set up a new run and press Start.`);
    store.set({ job: null });
  }

  /** Stop following the job (the link no longer names one, as when a lab step or another link
   * fills the form anew): its curves, results and state leave the screen; the job runs on. */
  function unfollow() {
    if (close) close();
    close = null;
    jobId = null;
    job = null;
    resetRun();
    panel.jobLabel.textContent = "";
    setState("idle");
  }

  /** Follow the job `id`; `record` (its POST or list answer, when known) gives its state at once. */
  function follow(id, record = null) {
    if (close) close();
    jobId = id;
    job = record;
    resetRun();
    panel.jobLabel.textContent = id;
    if (record && record.state === "queued") run.position = record.queue_position;
    setState(record ? record.state : "running");
    refreshJob();
    close = api.followJob(id, {
      queued: (event) => {
        if (event.position !== run.position) compare.refresh(); // its list shows places in line too
        run.position = event.position;
        if (!run.start) setState("queued");
      },
      start: (event) => {
        run.start = event;
        charts.start(event);
        if (panel.state === "queued") {
          // It waited in the queue and now trains: the live view takes over.
          setState("running");
          refreshJob();
          compare.refresh();
          announce("A trainer is free: training started.");
        }
        renderProgress();
      },
      lr: (event) => { charts.rateChanged(event); panel.rateChanged(event); announce(`Learning rate now ${rate(event.lr)}.`); },
      step: (event) => { run.last = event; run.steps += 1; charts.step(event); renderProgress(); },
      validation: (event) => { run.points.push(event); charts.validation(event); renderProgress(); },
      epoch: (event) => { run.epochs.push(event); renderProgress(); },
      filters: (event) => {
        const total = run.start && run.start.total_steps;
        filters.render(event, total);
        probe.render(event, total);
      },
      done: (event) => { run.done = event; refreshJob(); announce(`Training finished${event.accuracy == null ? "" : `: ${percent(event.accuracy)} accuracy on the ${event.evaluated_on} set`}.`); },
      error: (event) => {
        run.failed = (event && (event.message || event.error)) || null;
        panel.showError(`Training failed: ${run.failed || "see the server log"}`);
        refreshJob();
      },
      cancelled: () => {
        setState("cancelled");
        compare.refresh();
        announce("Cancelled while waiting: the run never started.");
      },
      interrupted: () => { panel.showError("The server restarted or shut down while this run was training; start it again."); refreshJob(); },
    }, () => { refreshJob(); });
  }

  // -- buttons -------------------------------------------------------------------------------------
  async function command(name) {
    if (!jobId) return;
    try {
      const result = await api.controlJob(jobId, name);
      if (result.id === jobId) setState(result.state);
      if (result.state !== "cancelled") announce(`Training ${result.state}.`);
    } catch (error) {
      panel.showError(error.message);
      refreshJob();
    }
  }
  panel.pauseBtn.addEventListener("click", () => command(panel.state === "paused" ? "resume" : "pause"));
  panel.stepBtn.addEventListener("click", () => command("step"));
  panel.stopBtn.addEventListener("click", () => command("stop"));
  panel.onRate(async (lr) => {
    if (!jobId) return;
    try {
      await api.setLearningRate(jobId, lr);
    } catch (error) {
      panel.showRateError(error.message);
    }
  });

  store.watch(["job"], (state) => {
    if (state.job && state.job !== jobId) followLink(state.job);
    else if (!state.job && jobId) unfollow();
  });
  store.watch(["recipe"], (state) => applyRecipe(state.recipe));

  // -- boot ----------------------------------------------------------------------------------------
  mountSetup();
  if (store.state.recipe) applyRecipe(store.state.recipe);
  if (store.state.job) followLink(store.state.job);
  compare.refresh();
}
