// The activation-functions section: pick ReLU, LeakyReLU (with its slope), sigmoid or tanh; the
// server samples f and f' with the engine's layer, the plot draws both, and the notes say where
// the gradient vanishes. The choice is the link's `act`; the slope stays with the page.
import * as api from "../../api.js";
import { el, isAbort, showErrorIn } from "../../components/dom.js";
import { activationPlot } from "./plot.js";

const DEFAULT_ACT = "relu";
const SLOPE_DELAY_MS = 250;

/** `activationSection(section, store)` fills `section`; returns {load()} to call when the view
 * is shown. */
export function activationSection(section, store) {
  const select = el("select", { id: "act-name", "data-act-name": "" });
  const slope = el("input", { id: "act-slope", type: "number", step: "any", required: true, "data-act-slope": "", inputmode: "decimal" });
  const slopeLabel = el("label", { class: "act-slope", hidden: true }, "Slope for x ≤ 0", slope);
  const formula = el("p", { class: "act-formula", "data-act-formula": "" });
  const key = el("ul", { class: "act-key" },
    el("li", { class: "act-key-f" }, el("span", { class: "act-swatch", "aria-hidden": "true" }), "f(x)"),
    el("li", { class: "act-key-df" }, el("span", { class: "act-swatch", "aria-hidden": "true" }), "f'(x), the derivative"),
    el("li", { class: "act-key-vanish" }, el("span", { class: "act-swatch", "aria-hidden": "true" }), "where f' < 0.01: the gradient vanishes"),
  );
  const frame = el("div", { class: "act-frame" });
  const readout = el("p", { class: "act-readout mono", "data-act-readout": "", "aria-live": "polite" });
  const notes = el("ul", { class: "act-notes", "data-act-notes": "" });
  const error = el("p", { class: "error", role: "alert", hidden: true, "data-act-error": "" });
  section.append(
    el("h2", { id: "act-heading", text: "Activation functions and their derivatives" }),
    el("p", { class: "muted", text: "Backpropagation multiplies the gradient by f'(x) at every activation: where f' is near 0, almost nothing flows back to the layers before it. The curves are the engine's own layers, sampled by the server: f from the forward pass, f' from the backward pass." }),
    el("div", { class: "row act-controls" }, el("label", {}, "Function", select), slopeLabel),
    formula, key, frame, readout, notes, error,
  );
  const plot = activationPlot(frame, readout);
  let listed = null;
  let controller = null;
  let slopeTimer = 0;

  const chosen = () => (listed?.some((a) => a.name === store.state.act) ? store.state.act : DEFAULT_ACT);

  async function draw() {
    const name = chosen();
    const info = listed.find((a) => a.name === name);
    select.value = name;
    const limits = info.slope_limits;
    slopeLabel.hidden = !limits;
    controller?.abort();
    if (limits && !slope.checkValidity()) { // the server's range, in the field's min and max
      showErrorIn(error, new Error(`Slope: ${slope.validationMessage}`));
      return;
    }
    controller = new AbortController();
    try {
      const curve = await api.activationCurve(name, limits ? slope.value : null, controller.signal);
      formula.textContent = `${curve.title}: f(x) = ${curve.formula}; f'(x) = ${curve.derivative}`;
      plot.show(curve);
      notes.replaceChildren(...curve.notes.map((text) => el("li", { text })));
      section.dataset.act = curve.name;
      section.dataset.rendered = "";
      showErrorIn(error, null);
    } catch (problem) {
      if (!isAbort(problem)) showErrorIn(error, problem);
    }
  }

  select.addEventListener("change", () => store.set({ act: select.value }));
  slope.addEventListener("input", () => {
    clearTimeout(slopeTimer);
    slopeTimer = setTimeout(draw, SLOPE_DELAY_MS);
  });
  store.watch(["act"], () => { if (listed) draw(); });

  return {
    async load() {
      if (listed) return;
      try {
        listed = await api.listActivations();
      } catch (problem) {
        showErrorIn(error, problem);
        return;
      }
      select.replaceChildren(...listed.map((a) => el("option", { value: a.name, text: a.title })));
      const limits = listed.find((a) => a.slope_limits)?.slope_limits;
      if (limits) Object.assign(slope, { min: limits.min, max: limits.max, value: limits.default });
      await draw();
    },
  };
}
