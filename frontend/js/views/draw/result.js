// The Draw view's answer: the predicted digit, how sure the network is, and ten probability bars.
import { percent } from "../../lib/format.js";
import { el } from "../../components/dom.js";

/** The result panel; `render(answer, model)` shows a prediction (POST .../predict) by `model` (its
 * row of GET /api/models), with the model's warning when it knows only some digits; `empty()`
 * says nothing is drawn, `waiting()` that the model list is not there yet, `fail(message)`. */
export function resultPanel() {
  const predicted = el("span", { "data-predicted": true, class: "draw-predicted num", text: "–" });
  const confidence = el("span", { class: "draw-confidence" });
  const status = el("p", { class: "draw-status muted" });
  // The server's words, e.g. "This model knows only 0 and 1: any other digit you draw will be
  // read as one of them." (a 0-vs-1 model reads a 7 as 0 or 1, sure of itself).
  const warning = el("p", { class: "warning", "data-classes-warning": true, hidden: true });
  const error = el("p", { class: "error", role: "alert", hidden: true });
  const sentence = el("p", { class: "sr-only" });
  const barList = el("ol", { class: "draw-bars", "aria-hidden": "true" });
  const bars = [];
  const panel = el("section", { class: "panel draw-result", "aria-labelledby": "draw-result-title" },
    el("h2", { id: "draw-result-title", text: "The network reads" }),
    warning,
    el("div", { class: "draw-verdict" }, predicted, confidence),
    sentence, barList, status, error);

  function ensureBars(classes) {
    if (bars.length === classes.length && bars.every((b, k) => b.name.textContent === classes[k])) return;
    bars.length = 0;
    barList.replaceChildren(...classes.map((name, k) => {
      const label = el("span", { class: "draw-bar-label num", text: name });
      const fill = el("span", { class: "draw-bar-fill" });
      const value = el("span", { class: "draw-bar-value num" });
      const track = el("span", { class: "draw-bar-track" }, fill, value);
      const item = el("li", { class: "draw-bar", "data-prob": String(k), "data-value": "" }, label, track);
      bars.push({ item, name: label, fill, value });
      return item;
    }));
  }
  ensureBars(Array.from({ length: 10 }, (_, k) => String(k)));

  return {
    panel,
    /** The sentence a screen reader hears for the last answer. */
    get sentence() { return sentence.textContent; },
    render(answer, model) {
      const { probabilities, classes, index, label } = answer;
      error.hidden = true;
      ensureBars(classes);
      const order = probabilities.map((p, k) => k).sort((a, b) => probabilities[b] - probabilities[a]);
      probabilities.forEach((p, k) => {
        const bar = bars[k];
        bar.item.dataset.value = String(p);
        bar.item.classList.toggle("is-top", k === index);
        bar.item.classList.toggle("is-wide", p >= 0.2);
        bar.fill.style.transform = `scaleX(${Math.max(0, Math.min(1, p))})`;
        bar.value.textContent = percent(p, 1);
      });
      predicted.textContent = label;
      panel.classList.remove("is-empty");
      confidence.textContent = `${percent(probabilities[index], 1)} sure`;
      const next = order.find((k) => k !== index);
      sentence.textContent = `The network reads ${label} with ${percent(probabilities[index], 1)} confidence` +
        (next === undefined ? "." : `; next ${classes[next]} at ${percent(probabilities[next], 1)}.`);
      status.textContent = model ? `Model: ${model.name}` : "";
      warning.textContent = (model && model.classes_warning) || "";
      warning.hidden = !warning.textContent;
    },
    empty() {
      for (const bar of bars) {
        bar.item.dataset.value = "";
        bar.item.classList.remove("is-top", "is-wide");
        bar.fill.style.transform = "scaleX(0)";
        bar.value.textContent = "";
      }
      predicted.textContent = "–";
      confidence.textContent = "Draw a digit to see what the network reads";
      sentence.textContent = "Nothing drawn yet.";
      panel.classList.add("is-empty");
      error.hidden = true;
      status.textContent = "";
      warning.hidden = true;
    },
    waiting() { status.textContent = "Waiting for the model list…"; },
    fail(message) {
      error.hidden = false;
      error.textContent = message;
      status.textContent = "";
    },
  };
}
