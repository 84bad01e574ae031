// The Train view's comparison of runs: two or more runs' validation loss and accuracy on the
// same charts, one line style each, with a legend saying how each run differs (optimizer,
// learning rate, augmentation). The runs are the server's (GET /api/train), this session's
// among them; each chosen run's events are followed, so a run still training keeps drawing (and
// one still waiting in the queue draws once it starts). A run cancelled while waiting has no
// curves: it is listed, but cannot be ticked.
import * as api from "../../api.js";
import { lineChart } from "../../components/chart.js";
import { fixed, percent } from "../../lib/format.js";
import { legends, rate, toggled } from "../../lib/traincompare.js";
import { stateWords } from "../../lib/trainqueue.js";
import { el as h } from "../../components/dom.js";

/** The panel: { section, refresh() (lists the server's runs again) }. */
export function comparePanel() {
  const list = h("div", { class: "compare-list", role: "group", "aria-label": "runs to compare", "data-compare-list": true });
  const lossRoot = h("div", { "data-compare-loss": true });
  const accRoot = h("div", { "data-compare-accuracy": true });
  const note = h("p", { class: "muted", "data-compare-note": true, text: "Tick two or more runs to overlay their curves." });
  const refreshBtn = h("button", { type: "button", text: "List the runs again", "data-compare-refresh": true });
  const section = h("section", { class: "panel train-compare", "aria-labelledby": "train-compare-title", "data-train-compare": true },
    h("h2", { id: "train-compare-title", text: "Compare runs" }), note, list, refreshBtn,
    h("div", { class: "train-epochs" }, lossRoot, accRoot));
  let jobs = [];
  let chosen = [];
  const followed = new Map(); // job id -> {points: [validation events], rates: [lr events], close}
  let charts = null;

  refreshBtn.addEventListener("click", () => refresh());

  function follow(id) {
    if (followed.has(id)) return;
    const run = { points: [], rates: [], close: null };
    followed.set(id, run);
    const draw = (event, kind) => { if (charts && chosen.includes(id)) charts.add(id, event, kind); };
    run.close = api.followJob(id, {
      validation: (event) => { run.points.push(event); draw(event, "point"); },
      lr: (event) => { run.rates.push(event); draw(event, "rate"); },
    });
  }

  /** New charts for the chosen runs, filled with what their events said so far. */
  function build() {
    if (charts) charts.dispose();
    const picked = chosen.map((id) => jobs.find((j) => j.id === id)).filter(Boolean);
    const series = legends(picked).map((label, i) => ({ key: picked[i].id, label, className: `s-cmp${i}`, markers: true }));
    const loss = lineChart(lossRoot, { title: "Validation loss", xLabel: "training step", yLabel: "loss", xName: "step", series, format: (v) => fixed(v, 3), height: 260 });
    const acc = lineChart(accRoot, {
      title: "Validation accuracy", xLabel: "training step", yLabel: "accuracy", xName: "step", y: [0, 1], series,
      format: (v) => percent(v, 1), tickFormat: (v) => percent(v, 0), height: 260,
    });
    charts = {
      add(id, event, kind) {
        if (kind === "rate") {
          for (const chart of [loss, acc]) chart.mark(event.global_step, `lr → ${rate(event.lr)}`);
          return;
        }
        loss.append(id, event.global_step, event.val_loss);
        acc.append(id, event.global_step, event.val_accuracy);
        lossRoot.dataset.points = String(picked.reduce((n, j) => n + loss.series(j.id).length, 0));
      },
      dispose() { loss.dispose(); acc.dispose(); },
    };
    lossRoot.dataset.runs = String(picked.length);
    for (const job of picked) {
      const run = followed.get(job.id);
      for (const event of run.points) charts.add(job.id, event, "point");
      for (const event of run.rates) charts.add(job.id, event, "rate");
    }
    note.textContent = picked.length >= 2
      ? `${picked.length} runs overlaid: each line is one run's held-out digits, scored at its validation points.`
      : "Tick two or more runs to overlay their curves.";
  }

  function pick(id, on) {
    chosen = toggled(chosen, id, on);
    for (const key of chosen) follow(key);
    for (const [key, run] of followed) if (!chosen.includes(key)) { run.close(); followed.delete(key); }
    renderList();
    build();
  }

  function renderList() {
    const names = legends(jobs);
    list.replaceChildren(...(jobs.length ? jobs.map((job, i) => {
      const box = h("input", { type: "checkbox", value: job.id, "data-compare-job": job.id, disabled: job.state === "cancelled" });
      box.checked = chosen.includes(job.id);
      box.addEventListener("change", () => pick(job.id, box.checked));
      return h("label", { class: "check", "data-state": job.state }, box,
        h("span", { text: `${names[i]} · ${stateWords(job)}` }), h("span", { class: "muted num", text: ` ${job.id}` }));
    }) : [h("p", { class: "muted", text: "No runs on the server yet: start one above." })]));
  }

  async function refresh() {
    try {
      jobs = await api.listJobs();
      chosen = chosen.filter((id) => jobs.some((j) => j.id === id));
      renderList();
      build();
    } catch (error) {
      note.textContent = `The runs cannot be listed: ${error.message}`;
    }
  }

  return { section, refresh };
}
