// The Train view's live charts: loss per step (raw and smoothed), and the validation points as
// they arrive (every few steps: the server says how often), loss and accuracy, the training
// batches' mean since the point before beside the held-out digits'.
import { lineChart } from "../../components/chart.js";
import { fixed, grouped, percent } from "../../lib/format.js";
import { smoother, weightFor } from "../../lib/smooth.js";
import { rate } from "../../lib/traincompare.js";
import { el as h } from "../../components/dom.js";

/** The charts: { elements (to append), reset(), start(event), step(event), validation(event),
 * rateChanged(event) (a line where the learning rate changed) }, fed by the run's events. */
export function trainCharts() {
  const lossRoot = h("div", { "data-loss-chart": true, "data-points": "0" });
  const pointsLossRoot = h("div", { "data-validation-loss-chart": true, "data-points": "0" });
  const pointsAccRoot = h("div", { "data-validation-accuracy-chart": true, "data-points": "0" });
  const every = h("p", { class: "muted points-note", "data-points-note": true, text: "The validation points arrive every few steps while a run trains." });
  const elements = [
    h("section", { class: "panel" }, lossRoot),
    h("section", { class: "panel train-points" }, every,
      h("div", { class: "train-epochs" }, pointsLossRoot, pointsAccRoot)),
  ];
  const lossChart = lineChart(lossRoot, {
    title: "Loss per step", xLabel: "training step (one batch)", yLabel: "loss", xName: "step",
    series: [
      { key: "raw", label: "batch loss", className: "s-raw" },
      { key: "smooth", label: "smoothed (moving average)", className: "s-smooth" },
    ],
    format: (v) => fixed(v, 3), height: 300,
  });
  const series = [
    { key: "train", label: "training (mean since the last point)", className: "s-train", markers: true },
    { key: "val", label: "validation (held-out digits)", className: "s-val", markers: true },
  ];
  const pointsLoss = lineChart(pointsLossRoot, {
    title: "Loss over training", xLabel: "training step", yLabel: "loss", xName: "step",
    series, format: (v) => fixed(v, 3), height: 240,
  });
  const pointsAcc = lineChart(pointsAccRoot, {
    title: "Accuracy over training", xLabel: "training step", yLabel: "accuracy", xName: "step", y: [0, 1],
    series, format: (v) => percent(v, 1), tickFormat: (v) => percent(v, 0), height: 240,
  });
  let smooth = smoother(0.8);

  return {
    elements,
    reset() {
      smooth = smoother(0.8);
      for (const chart of [lossChart, pointsLoss, pointsAcc]) chart.reset();
      for (const root of [lossRoot, pointsLossRoot, pointsAccRoot]) root.dataset.points = "0";
      delete lossRoot.dataset.rateMarks;
    },
    start(event) {
      for (const chart of [lossChart, pointsLoss, pointsAcc]) chart.setX([0, event.total_steps]);
      smooth = smoother(weightFor(event.total_steps));
      const n = event.validate_every;
      every.textContent = `${grouped(event.validation_points)} validation points, one every ${n === 1 ? "step" : `${grouped(n)} steps`}: the held-out digits scored, beside the training batches since the point before.`;
    },
    step(event) {
      lossChart.append("raw", event.global_step, event.loss);
      lossChart.append("smooth", event.global_step, smooth.push(event.loss));
      lossRoot.dataset.points = String(lossChart.series("raw").length);
    },
    rateChanged(event) {
      for (const chart of [lossChart, pointsLoss, pointsAcc]) chart.mark(event.global_step, `lr → ${rate(event.lr)}`);
      lossRoot.dataset.rateMarks = String(Number(lossRoot.dataset.rateMarks || 0) + 1);
    },
    validation(event) {
      pointsLoss.append("train", event.global_step, event.train_loss);
      pointsLoss.append("val", event.global_step, event.val_loss);
      pointsAcc.append("train", event.global_step, event.train_accuracy);
      pointsAcc.append("val", event.global_step, event.val_accuracy);
      const count = String(pointsAcc.series("train").length);
      pointsLossRoot.dataset.points = count;
      pointsAccRoot.dataset.points = count;
    },
  };
}
