// The class's confusion matrix, as the server counts it (GET summary: rows the digit meant,
// columns what the network read), with the class's accuracy. A cell with drawings is a button
// that opens them in the gallery. Fetched again shortly after drawings arrive (one request at a
// time, however fast they come).
import * as api from "../../api.js";
import { el, isAbort, showErrorIn } from "../../components/dom.js";
import { percent } from "../../lib/format.js";

/** After a drawing, wait this long for more before asking for the summary again. */
const SETTLE_MS = 300;

/** The matrix of class `record`; `onCell({label, predicted})` opens a cell's drawings.
 * `refresh()` fetches now, `refreshSoon()` after the drawings settle. */
export function classMatrix(record, onCell) {
  const line = el("p", { "data-class-accuracy": true });
  const table = el("table", { class: "class-matrix", "data-class-matrix": true });
  const error = el("p", { class: "error", role: "alert", hidden: true });
  const node = el("section", { class: "class-matrix-section", "aria-labelledby": "class-matrix-title" },
    el("h3", { id: "class-matrix-title", text: "What the network read" }), line,
    el("div", { class: "class-matrix-scroll" }, table), error);
  let timer = null;
  let running = null; // the AbortController of the request in flight
  let again = false;
  let stopped = false;

  function cell(count, label, predicted) {
    const kind = count === 0 ? "" : label === predicted ? "right" : "wrong";
    if (!count) return el("td", { class: "empty", "data-count": "0", text: "·", "aria-label": "none" });
    const button = el("button", {
      type: "button", "data-class-cell": `${label},${predicted}`,
      "aria-label": `${count} ${label}s read as ${predicted}: show them`,
    }, String(count));
    button.addEventListener("click", () => onCell({ label, predicted }));
    return el("td", { class: kind, "data-count": String(count) }, button);
  }

  function render(summary) {
    const matrix = summary.confusion_matrix || [];
    const drawings = summary.drawings ?? 0;
    line.textContent = drawings
      ? `${drawings} drawing${drawings === 1 ? "" : "s"} from ${summary.students} student${summary.students === 1 ? "" : "s"}; ${percent(summary.accuracy ?? 0, 0)} read as meant.`
      : "No drawings yet.";
    const columns = matrix[0] ? matrix[0].length : 0;
    table.replaceChildren(
      el("caption", { class: "sr-only", text: "Rows: the digit meant; columns: the digit read" }),
      el("thead", {}, el("tr", {},
        el("th", { scope: "col", class: "corner", text: "meant ↓ read →" }),
        ...Array.from({ length: columns }, (_, j) => el("th", { scope: "col", text: String(j) })))),
      el("tbody", {}, ...matrix.map((row, i) => el("tr", {},
        el("th", { scope: "row", text: String(i) }),
        ...row.map((count, j) => cell(count, i, j))))));
  }

  async function refresh() {
    if (stopped) return;
    if (running) { again = true; return; }
    const request = new AbortController();
    running = request;
    try {
      render(await api.classSummary(record.code, record.token, request.signal));
      showErrorIn(error, null);
    } catch (failure) {
      if (!isAbort(failure)) showErrorIn(error, failure);
    } finally {
      running = null;
      if (again && !stopped) { again = false; refresh(); }
    }
  }

  return {
    node,
    refresh,
    refreshSoon() { clearTimeout(timer); timer = setTimeout(refresh, SETTLE_MS); },
    /** No more requests, the one in flight aborted (the class is ending: it would be a 404). */
    stop() {
      stopped = true;
      clearTimeout(timer);
      if (running) running.abort();
    },
  };
}
