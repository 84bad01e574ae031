// Section 4 of the Pooling view: translation invariance — the drawing shifted a few pixels,
// traced again, and the maps before and after pooling compared by cosine similarity.
import * as api from "../../api.js";
import { decodeArray, extent, fromRows, plane, toRows } from "../../lib/arrays.js";
import { scaleFor } from "../../lib/colour.js";
import { fixed } from "../../lib/format.js";
import { cosineSimilarity, shift2d } from "../../lib/pooling.js";
import { el, isAbort } from "../../components/dom.js";
import { stage } from "./parts.js";

/** Section 4 in `section`: `render(ctx)` draws the frame and the shift buttons (`local.shift`),
 * `load()` traces the shifted drawing for the current `poolContext()` and fills the frame in. */
export function shiftSection(section, { local, store, fresh, poolContext }) {
  let shiftBody = null;
  function render(ctx) {
    const buttons = [1, 2, 3].map((n) => {
      const b = el("button", { type: "button", "data-shift": n, "aria-pressed": String(local.shift.dx === n) }, `${n} px`);
      b.addEventListener("click", () => { local.shift = { dy: local.shift.dy ? n : 0, dx: n }; render(poolContext()); load(); });
      return b;
    });
    const down = el("input", { type: "checkbox", "data-shift-down": "" });
    down.checked = Boolean(local.shift.dy);
    down.addEventListener("change", () => { local.shift = { dy: down.checked ? local.shift.dx : 0, dx: local.shift.dx }; load(); });
    shiftBody = el("div", { class: "pool-shift-body", "data-shift-body": "" }, el("p", { class: "muted", text: "Tracing the shifted drawing…" }));
    section.replaceChildren(
      el("h2", { id: "pool-h4", text: "4 · Translation invariance" }),
      el("p", { text: `Move the drawing a few pixels and compare ${ctx.name}'s map before and after pooling: pooling keeps the maximum of a window, so a small shift often changes little.` }),
      el("div", { class: "row" }, el("span", { text: "Shift right by" }), ...buttons,
        el("label", {}, down, "and down by the same")),
      shiftBody,
    );
  }

  async function load() {
    const ctx = poolContext();
    if (!ctx) return;
    const signal = fresh("shift");
    const id = store.state.model;
    try {
      // The unshifted side is the trace already loaded; only the shifted digit is traced anew.
      const original = toRows(plane(local.inputArray, 0));
      const shifted = shift2d(original, local.shift.dy, local.shift.dx);
      const b = await api.trace(id, { pixels: shifted }, null, signal);
      if (signal.aborted) return;
      renderShift(ctx, local.trace, b, original, shifted);
    } catch (error) {
      if (isAbort(error)) return;
      shiftBody.replaceChildren(el("p", { class: "error", role: "alert", text: `The shifted drawing could not be traced: ${error.message}` }));
    }
  }

  function renderShift(ctx, a, b, original, shifted) {
    const byName = (trace, name) => decodeArray(trace.layers.find((l) => l.name === name).output);
    const prevA = plane(ctx.prevName === "input" ? decodeArray(a.input) : byName(a, ctx.prevName), ctx.channel);
    const prevB = plane(ctx.prevName === "input" ? decodeArray(b.input) : byName(b, ctx.prevName), ctx.channel);
    const poolA = plane(byName(a, ctx.name), ctx.channel);
    const poolB = plane(byName(b, ctx.name), ctx.channel);
    const simBefore = cosineSimilarity(prevA.data, prevB.data);
    const simAfter = cosineSimilarity(poolA.data, poolB.data);
    const inputScale = scaleFor([0, 1]);
    const preScale = scaleFor(extent([...prevA.data, ...prevB.data]));
    const poolScale = scaleFor(extent([...poolA.data, ...poolB.data]));
    const shiftText = `${local.shift.dx} px right${local.shift.dy ? ` and ${local.shift.dy} px down` : ""}`;
    const fig = (map, scale, caption, cls) => el("figure", { class: `pool-fig ${cls || ""}` },
      stage(map, scale, caption).root, el("figcaption", { text: caption }));
    const score = (value, what, hook) => el("div", { class: "pool-score" },
      el("span", { class: "muted", text: what }),
      el("strong", { class: "num", [hook]: "", "data-value": value.toFixed(6), text: fixed(value, 3) }));
    shiftBody.replaceChildren(
      el("div", { class: "pool-shift-grid" },
        el("div", { class: "pool-shift-row" },
          el("h3", { text: "The input" }),
          fig(fromRows(original), inputScale, "original"),
          fig(fromRows(shifted), inputScale, `shifted ${shiftText}`),
        ),
        el("div", { class: "pool-shift-row" },
          el("h3", { text: `Before pooling: ${ctx.prevName}, channel ${ctx.channel}` }),
          fig(prevA, preScale, "original"), fig(prevB, preScale, "shifted"),
          score(simBefore, "cosine similarity", "data-similarity-before"),
        ),
        el("div", { class: "pool-shift-row" },
          el("h3", { text: `After pooling: ${ctx.name}, channel ${ctx.channel}` }),
          fig(poolA, poolScale, "original"), fig(poolB, poolScale, "shifted"),
          score(simAfter, "cosine similarity", "data-similarity"),
        ),
      ),
      el("p", { class: "pool-verdict" }, simAfter > simBefore
        ? `Pooling made the two maps more alike: ${fixed(simBefore, 3)} → ${fixed(simAfter, 3)}.`
        : `Here pooling did not make the maps more alike (${fixed(simBefore, 3)} → ${fixed(simAfter, 3)}): a shift that crosses the window grid can move a winner into the next window.`),
      el("p", { class: "muted", text: `Predicted: ${a.label} for the original, ${b.label} for the shifted drawing. Cosine similarity is 1 when two maps point the same way and 0 when they share nothing; it is computed here from the two traces.` }),
    );
  }

  return { render, load };
}
