// The Train view's run panel: Start, Pause/Resume, Step, Stop (Cancel while the job waits in
// the server's queue), the learning rate of the running job (changed from its next batch), the
// job's state, its place in the queue or its progress and figures so far, and what went wrong.
import { grouped } from "../../lib/format.js";
import { rate as rateText } from "../../lib/traincompare.js";
import { failureLine, progressLine, runMetrics, stepNow } from "../../lib/trainrun.js";
import { CANCELLED_LINE, waitingLine } from "../../lib/trainqueue.js";
import { el as h, showErrorIn } from "../../components/dom.js";

/** The run panel: { section, buttons, jobLabel, setState(state) (true while the job trains or is
 * paused: its clock ticks), progress(run, job, jobId) (`run.position`: its place in the queue), showError(message), reset(), onRate(handler) (the rate asked for),
 * rateChanged(event) (the job's `lr` event), showRateError(message) }. */
export function runPanel() {
  const startBtn = h("button", { type: "submit", form: "", class: "primary big", "data-train-start": true, text: "Start training" });
  const pauseBtn = h("button", { type: "button", class: "big", "data-train-pause": true, disabled: true, text: "Pause" });
  const stepBtn = h("button", { type: "button", class: "big", "data-train-step": true, disabled: true, text: "Step one batch" });
  const stopBtn = h("button", { type: "button", class: "big", "data-train-stop": true, disabled: true, text: "Stop" });
  const stateEl = h("span", { class: "job-state", "data-job-state": true, "data-state": "idle", text: "idle" });
  const jobLabel = h("span", { class: "muted job-id num" });
  const progressBar = h("progress", { max: "1", value: "0", "aria-label": "training progress" });
  const NOT_STARTED = "Not started. Set up a run and press Start.";
  const progressText = h("p", { class: "progress-text num", "data-train-progress": true, text: NOT_STARTED });
  const runError = h("p", { class: "error", role: "alert", hidden: true });
  const metricsEl = h("dl", { class: "train-metrics", "data-train-metrics": true });
  const rateInput = h("input", { type: "number", id: "train-rate-now", min: "0", step: "any", inputmode: "decimal", disabled: true, "data-rate-input": true });
  const rateBtn = h("button", { type: "button", disabled: true, text: "Set the rate", "data-rate-set": true });
  const rateNote = h("p", { class: "muted rate-note", role: "status", "data-rate-note": true });
  const rateBox = h("div", { class: "rate-now", hidden: true },
    h("label", { class: "field-label", for: "train-rate-now", text: "Learning rate from the next batch" }),
    h("div", { class: "row" }, rateInput, rateBtn), rateNote);
  const section = h("section", { class: "panel train-run", "aria-labelledby": "train-run-title" },
    h("div", { class: "run-head" }, h("h2", { id: "train-run-title", text: "Run" }), h("span", { class: "state-wrap" }, "State: ", stateEl), jobLabel),
    h("div", { class: "row controls" }, startBtn, pauseBtn, stepBtn, stopBtn),
    progressBar, progressText, metricsEl, rateBox, runError);

  return {
    section, startBtn, pauseBtn, stepBtn, stopBtn, jobLabel,
    get state() { return stateEl.textContent; },
    setState(state) {
      stateEl.textContent = state;
      stateEl.dataset.state = state;
      const live = state === "running" || state === "paused";
      const queued = state === "queued";
      startBtn.disabled = live || queued;
      pauseBtn.disabled = !live;
      pauseBtn.textContent = state === "paused" ? "Resume" : "Pause";
      pauseBtn.setAttribute("aria-pressed", String(state === "paused"));
      stepBtn.disabled = state !== "paused";
      stopBtn.disabled = !live && !queued;
      stopBtn.textContent = queued ? "Cancel" : "Stop";
      rateInput.disabled = !live;
      rateBtn.disabled = !live;
      rateBox.hidden = !live && !rateBox.dataset.changes; // a run that changed its rate keeps saying so
      return live;
    },
    /** The progress of `run` (what the events said so far) of the job `job` (its record); a run
     * that failed says so plainly, started or not; one not started yet says whether it waits in
     * the queue (and where) or was cancelled there. */
    progress(run, job, jobId) {
      if (!run || !run.start) {
        const state = stateEl.dataset.state;
        if (run && run.failed) progressText.textContent = failureLine(run, run.failed);
        else if (state === "cancelled") progressText.textContent = CANCELLED_LINE;
        else if (state === "queued") progressText.textContent = waitingLine(run.position);
        else if (jobId && run) progressText.textContent = "Waiting for the run to start…";
        return;
      }
      progressBar.max = run.start.total_steps;
      progressBar.value = stepNow(run);
      progressText.textContent = run.failed ? failureLine(run, run.failed) : progressLine(run, job, Date.now() / 1000);
      metricsEl.replaceChildren(...runMetrics(run).map(([k, v]) => h("div", {}, h("dt", { text: k }), h("dd", { class: "num", text: v }))));
    },
    showError: (message) => showErrorIn(runError, message ? { message } : null),
    onRate(handler) {
      rateBtn.addEventListener("click", () => {
        const lr = Number(rateInput.value);
        if (rateInput.value === "" || !(lr > 0)) { rateNote.textContent = "Type a learning rate above 0 first."; return; }
        handler(lr);
      });
    },
    rateChanged(event) {
      rateInput.value = String(event.lr);
      rateNote.textContent = `Learning rate ${rateText(event.lr)} from step ${grouped(event.global_step)} on.`;
      rateBox.dataset.changes = String(Number(rateBox.dataset.changes || 0) + 1);
    },
    showRateError(message) { rateNote.textContent = `The rate was not changed: ${message}`; },
    reset() {
      metricsEl.replaceChildren();
      rateNote.textContent = "";
      delete rateBox.dataset.changes;
      runError.hidden = true;
      progressBar.value = 0;
      progressText.textContent = NOT_STARTED;
    },
  };
}
