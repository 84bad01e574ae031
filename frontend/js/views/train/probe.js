// The Train view's probe: one digit the run keeps fixed (the first validation digit) and what a
// chosen layer makes of it, drawn again with every snapshot the run sends, so a class sees the
// feature maps form as the filters learn.
import { extent, fromRows } from "../../lib/arrays.js";
import { scaleFor } from "../../lib/colour.js";
import { snapshotWhen } from "../../lib/trainrun.js";
import { drawHeatmap, heatmapCanvas, legend } from "../../components/heatmap.js";
import { el as h } from "../../components/dom.js";

/** The maps of a probe's `values` ([C][H][W], or one row for a flat layer). */
function probeMaps(probe) {
  if (probe.shape.length === 1) return [fromRows([probe.values])];
  return probe.values.map((rows) => fromRows(rows));
}

/** The probe panel: { section, render(event, totalSteps) (a "filters" event), reset() }. */
export function probePanel() {
  const digitBox = h("figure", { class: "probe-digit" });
  const maps = h("div", { class: "probe-maps", "data-probe-maps": true });
  const idle = "When a run starts, one digit and what a layer of the network makes of it appear here, and change as it learns.";
  const note = h("p", { class: "muted", text: idle });
  const legendBox = h("div", { class: "filters-legend" });
  const section = h("section", { class: "panel train-probe", "aria-labelledby": "train-probe-title", "data-probe": true },
    h("h2", { id: "train-probe-title", text: "One digit, inside the network" }), note, legendBox,
    h("div", { class: "probe-body" }, digitBox, maps));

  return {
    section,
    render(event, totalSteps) {
      const probe = event.probe;
      if (!probe) return;
      const when = snapshotWhen(event, totalSteps);
      const found = probeMaps(probe);
      const scale = scaleFor(extent(found.flatMap((m) => Array.from(m.data))));
      if (!digitBox.firstChild) {
        const digit = heatmapCanvas(fromRows(probe.image), { size: 112, scale: scaleFor([0, 255]), label: `${probe.split} digit ${probe.index}, a ${probe.class_name},` });
        digitBox.replaceChildren(digit, h("figcaption", { text: `the ${probe.split} digit #${probe.index}, a ${probe.class_name}` }));
      }
      const existing = maps.querySelectorAll("canvas");
      if (existing.length === found.length) {
        found.forEach((m, c) => drawHeatmap(existing[c], m, scale));
      } else {
        const size = probe.shape.length === 1 ? 320 : 64;
        maps.replaceChildren(...found.map((m, c) => h("figure", { class: "filter" },
          heatmapCanvas(m, { size, scale, label: `${probe.layer} channel ${c + 1} of the probe digit,` }),
          h("figcaption", { class: "num", text: probe.shape.length === 1 ? probe.layer : String(c + 1) }))));
      }
      maps.dataset.step = String(event.global_step);
      legendBox.replaceChildren(legend(scale, `${probe.layer} output`));
      const shown = probe.shape.length === 3 && found.length < probe.shape[0] ? ` (the first ${found.length} of ${probe.shape[0]} channels)` : "";
      note.textContent = `${probe.layer} (${probe.shape.join("×")})${shown} for the ${probe.split} digit "${probe.class_name}", ${when}.`;
    },
    reset() {
      digitBox.replaceChildren();
      maps.replaceChildren();
      delete maps.dataset.step;
      legendBox.replaceChildren();
      note.textContent = idle;
    },
  };
}
