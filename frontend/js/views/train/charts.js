// The Train view's live charts: loss per step (raw and smoothed), loss and accuracy per epoch.
import { lineChart } from "../../components/chart.js";
import { fixed, percent } from "../../lib/format.js";
import { smoother, weightFor } from "../../lib/smooth.js";
import { el as h } from "../../components/dom.js";

/** The charts: { elements (to append), reset(), start(event), step(event), epoch(event) }, fed by
 * the run's events. */
export function trainCharts() {
  const lossRoot = h("div", { "data-loss-chart": true, "data-points": "0" });
  const epochLossRoot = h("div", { "data-epoch-loss-chart": true });
  const epochAccRoot = h("div", { "data-epoch-accuracy-chart": true });
  const elements = [
    h("section", { class: "panel" }, lossRoot),
    h("div", { class: "train-epochs" }, h("section", { class: "panel" }, epochLossRoot), h("section", { class: "panel" }, epochAccRoot)),
  ];
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
  let smooth = smoother(0.8);

  return {
    elements,
    reset() {
      smooth = smoother(0.8);
      lossChart.reset();
      epochLoss.reset();
      epochAcc.reset();
      lossRoot.dataset.points = "0";
    },
    start(event) {
      lossChart.setX([0, event.total_steps]);
      epochLoss.setX([0, event.epochs]);
      epochAcc.setX([0, event.epochs]);
      smooth = smoother(weightFor(event.total_steps));
    },
    step(event) {
      lossChart.append("raw", event.global_step, event.loss);
      lossChart.append("smooth", event.global_step, smooth.push(event.loss));
      lossRoot.dataset.points = String(lossChart.series("raw").length);
    },
    epoch(event) {
      epochLoss.append("train", event.epoch, event.train_loss);
      epochLoss.append("val", event.epoch, event.val_loss);
      epochAcc.append("train", event.epoch, event.train_accuracy);
      epochAcc.append("val", event.epoch, event.val_accuracy);
    },
  };
}
