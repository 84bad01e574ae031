// The Train form's inputs, shared by its sections: a labelled field with the place for the
// server's problem of that request field beside it, and number inputs bound to the form's values.
import { el as h } from "../../components/dom.js";

/**
 * A kit over `form` (the values, changed in place) whose inputs call `changed()` after each
 * change. `errors` collects, by request field, {error, input}: where the form shows that field's
 * problem (views/train/form.js fills them from the plan's `fields`).
 */
export function fieldKit(form, changed) {
  const errors = {};

  /** The place for the problem of field `name` (the request's), about `input`. */
  function errorFor(name, input) {
    const error = h("span", { class: "field-error", id: `train-error-${name}`, "data-field-error": name, hidden: true });
    errors[name] = { error, input };
    return error;
  }

  /** A labelled input, its notes and the place for its problem. */
  function field(label, input, name, ...notes) {
    return h("div", { class: "field" }, h("label", {}, h("span", { class: "field-label", text: label }), input), ...notes, errorFor(name, input));
  }

  /** A number input of `form[name]` (empty: null). */
  function numberInput(name, { min, max, step = 1, placeholder } = {}) {
    const input = h("input", { type: "number", name, min, max, step, placeholder, value: String(form[name] ?? ""), inputmode: step === 1 ? "numeric" : "decimal" });
    input.addEventListener("input", () => {
      form[name] = input.value === "" ? null : Number(input.value);
      changed();
    });
    return input;
  }

  /** A select of `form[name]` among `choices` ([value, text]). */
  function choiceInput(name, choices) {
    const select = h("select", { name }, ...choices.map(([value, text]) => h("option", { value, text })));
    select.value = form[name];
    select.addEventListener("change", () => { form[name] = select.value; changed(); });
    return select;
  }

  /** A checkbox of `form[name]` with its words, and the place for its problem. */
  function checkInput(name, words) {
    const box = h("input", { type: "checkbox", name });
    box.checked = Boolean(form[name]);
    box.addEventListener("change", () => { form[name] = box.checked; changed(); });
    return h("div", { class: "check-field" }, h("label", { class: "check" }, box, h("span", { text: words })), errorFor(name, box));
  }

  return { errors, errorFor, field, numberInput, choiceInput, checkInput };
}
