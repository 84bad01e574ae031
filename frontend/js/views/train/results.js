// The Train view's results: the final accuracy, "Use this model", the confusion matrix whose
// off-diagonal cells show the misclassified digits, and the accuracy per class.
import * as api from "../../api.js";
import { announce, refreshModels } from "../../shell.js";
import { decodeArray } from "../../lib/arrays.js";
import { css, inkOn, scaleFor } from "../../lib/colour.js";
import { fixed, grouped, percent } from "../../lib/format.js";
import { latestOnly } from "../../lib/scheduler.js";
import { cellColour, largestMistake, seconds } from "../../lib/trainrun.js";
import { heatmapCanvas } from "../../components/heatmap.js";
import { el as h } from "../../components/dom.js";

function confusionTable(d, onPick) {
  const m = d.confusion_matrix;
  const names = d.class_names;
  const table = h("table", { class: "confusion", "data-confusion": true });
  table.append(h("caption", { class: "sr-only", text: "Confusion matrix: rows are true classes, columns predicted classes, cells count digits" }));
  const headRow = h("tr", {}, h("th", { scope: "col", class: "corner" }, h("span", { text: "true ↓" }), h("span", { text: "said →" })), ...names.map((n) => h("th", { scope: "col", text: n })));
  table.append(h("thead", {}, headRow));
  const body = h("tbody");
  const listed = new Set((d.misclassified || []).map((w) => `${w.true},${w.pred}`));
  const maxOff = largestMistake(m);
  m.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    const tr = h("tr", {}, h("th", { scope: "row", text: names[t] }));
    row.forEach((count, p) => {
      const colour = cellColour(count, t, p, total, maxOff);
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

/** The results panel: { section, render(done, job, dataset), reset() }. `store` is the page's
 * store ("Use this model" sets its model). */
export function resultsPanel(store) {
  const section = h("section", { class: "panel train-results", "data-train-results": true, "aria-labelledby": "train-results-title", hidden: true });
  const latest = latestOnly();

  /** The misclassified digits of cell (t, p) in `gallery`, fetched one by one from `dataset`. */
  async function showMistakes(d, t, p, gallery, dataset) {
    const abort = latest.start();
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
    const source = dataset();
    const grid = h("div", { class: "digits" });
    gallery.append(grid);
    for (const w of chosen) {
      if (abort.signal.aborted) return;
      try {
        const sample = await api.samplesAt(source, { split, offset: w.index, n: 1 });
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

  return {
    section,
    /** The results of the done event `d` of the job `job` (its record); `dataset()` names the
     * dataset the misclassified digits are read from. */
    render(d, job, dataset) {
      section.hidden = false;
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
        section.replaceChildren(head, h("p", { class: "muted", text: "No evaluation: this run had neither a test nor a validation set." }));
        return;
      }
      const wrong = d.misclassified || [];
      const gallery = h("div", { class: "misclassified", "data-misclassified": true, "aria-live": "polite" },
        h("p", { class: "muted", text: wrong.length ? "Choose a cell off the diagonal to see those mistakes." : "No mistakes to show." }));
      const table = confusionTable(d, (t, p) => showMistakes(d, t, p, gallery, dataset));
      const perClass = h("ul", { class: "class-accuracy", "data-class-accuracy": true, "aria-label": "accuracy per class" },
        ...d.per_class_accuracy.map((a, i) => {
          const bar = h("span", { class: "bar" }, h("span", { class: "fill" }));
          bar.firstChild.style.width = `${a === null ? 0 : a * 100}%`;
          return h("li", { "data-class": String(d.classes[i]) }, h("span", { class: "cls", text: names[i] }), bar,
            h("span", { class: "num", text: a === null ? "—" : percent(a, 1) }));
        }));
      section.replaceChildren(head,
        h("div", { class: "results-grid" },
          h("div", {}, h("h3", { text: "Confusion matrix" }),
            h("p", { class: "muted", text: `Rows: the true class. Columns: what the model said. Blue: right (darker = more of the row). Orange: mistakes (darker = more). Counts of ${d.evaluated_on} digits.` }),
            h("div", { class: "table-wrap" }, table)),
          h("div", {}, h("h3", { text: "Accuracy per class" }), perClass)),
        h("h3", { class: "mistakes-title", text: "Mistakes" }), gallery);
    },
    reset() {
      section.hidden = true;
      section.replaceChildren();
    },
  };
}
