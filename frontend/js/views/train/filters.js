// The Train view's first-layer filters, drawn again each time the run sends them: before
// training, with its validation points, after a single step and at a stop.
import { fromRows } from "../../lib/arrays.js";
import { scaleFor } from "../../lib/colour.js";
import { snapshotWhen } from "../../lib/trainrun.js";
import { drawHeatmap, heatmapCanvas, legend } from "../../components/heatmap.js";
import { el as h } from "../../components/dom.js";

/** The filters panel: { section, render(event, totalSteps) (a "filters" event), reset() }. */
export function filtersPanel() {
  const grid = h("div", { class: "filters-grid", "data-filters": true });
  const idle = "The first convolution's filters appear here when a run starts, and change as it learns.";
  const note = h("p", { class: "muted", text: idle });
  const legendBox = h("div", { class: "filters-legend" });
  const section = h("section", { class: "panel", "aria-labelledby": "train-filters-title" },
    h("h2", { id: "train-filters-title", text: "First-layer filters" }), note, legendBox, grid);

  return {
    section,
    render(event, totalSteps) {
      if (!event.weights) return; // a network without a convolution: only its probe changes
      const [out, inC, kh, kw] = event.shape;
      const maps = [];
      for (let o = 0; o < out; o += 1) maps.push(fromRows(event.weights[o][0]));
      let bound = 0;
      for (const m of maps) for (const v of m.data) bound = Math.max(bound, Math.abs(v));
      const scale = scaleFor([-bound, bound], { signed: true });
      const when = snapshotWhen(event, totalSteps);
      const existing = grid.querySelectorAll("canvas");
      if (existing.length === out) {
        maps.forEach((m, o) => {
          drawHeatmap(existing[o], m, scale);
          existing[o].setAttribute("aria-label", `filter ${o + 1} ${when}, ${kh}×${kw} weights`);
        });
      } else {
        grid.replaceChildren(...maps.map((m, o) => h("figure", { class: "filter" },
          heatmapCanvas(m, { size: 72, scale, label: `filter ${o + 1} ${when},` }),
          h("figcaption", { class: "num", text: String(o + 1) }))));
      }
      grid.dataset.step = String(event.global_step);
      legendBox.replaceChildren(legend(scale, "weight"));
      note.textContent = `${event.layer}: ${out} filters of ${kh}×${kw}${inC > 1 ? ` (input channel 1 of ${inC})` : ""}, ${when}. Orange is a positive weight, blue a negative one.`;
    },
    reset() {
      grid.replaceChildren();
      delete grid.dataset.step;
      legendBox.replaceChildren();
      note.textContent = idle;
    },
  };
}
