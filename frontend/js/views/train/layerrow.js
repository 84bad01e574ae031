// One row of the Train view's layer builder: its number, type, output shape (filled in from the
// server's check by the builder), tools, and an input for each of its settings.
import { LAYER_PARAMS } from "../../lib/layers.js";
import { el as h } from "../../components/dom.js";

/** The value typed in a setting's input: a number, null when empty, or the padding's word. */
function typed(raw, kind) {
  const text = raw.trim();
  if (text === "") return null;
  return kind === "padding" && Number.isNaN(Number(text)) ? text : Number(text);
}

/** The input of setting `key` of layer `i` (`kind` as LAYER_PARAMS says); `set(value)` changes
 * it. `inits` are the initializer choices ({value, text, default}) of the layer's type,
 * `defaults` its arguments' defaults (an empty field shows the one the engine will use). */
function settingInput(layer, i, [key, label, kind], { set, inits, defaults }) {
  const name = `layer ${i + 1} ${layer.type} ${label}`;
  if (kind === "bias") {
    const box = h("input", { type: "checkbox", "aria-label": name, "data-param": key });
    box.checked = layer.bias !== false;
    box.addEventListener("change", () => set(box.checked ? undefined : false));
    return h("label", { class: "param switch" }, h("span", { text: label }), box);
  }
  if (kind === "init") {
    const fallback = inits.find((c) => c.default);
    const select = h("select", { "aria-label": name, "data-param": key },
      h("option", { value: "", text: fallback ? fallback.text : "default" }),
      ...inits.filter((c) => !c.default).map((c) => h("option", { value: c.value, text: c.text })));
    if (layer.init && !inits.some((c) => c.value === layer.init)) select.append(h("option", { value: layer.init, text: layer.init }));
    select.value = layer.init && !(fallback && fallback.value === layer.init) ? layer.init : "";
    select.addEventListener("change", () => set(select.value || undefined));
    return h("label", { class: "param wide" }, h("span", { text: label }), select);
  }
  const numeric = kind !== "padding";
  const input = h("input", {
    type: numeric ? "number" : "text", min: kind === "count" ? "1" : kind === "number" ? "0" : null,
    step: kind === "number" ? "any" : null, value: String(layer[key] ?? ""), "aria-label": name, size: "3",
    placeholder: defaults[key] === null || defaults[key] === undefined ? null : String(defaults[key]),
    "data-param": key, inputmode: numeric ? "decimal" : null,
  });
  input.addEventListener("change", () => set(typed(input.value, kind)));
  return h("label", { class: "param" }, h("span", { text: label }), input);
}

/**
 * The row of `layer`, the `i`-th of `count`. `change(patch)` replaces the layer's settings with
 * `patch` merged in (a value undefined removes the setting); `move(to)` and `remove()` act on
 * the row; `inits` and `defaults` as settingInput's. The input scaling's Rescale row (first, pinned) has no
 * settings and no move tools; `pinned` says the row above it is that one.
 */
export function layerRow(layer, i, { count, pinned, slots, inits, defaults, change, move, remove }) {
  const scaling = layer.type === "Rescale";
  const settings = (LAYER_PARAMS[layer.type] || []).map((param) => settingInput(layer, i, param, { inits, defaults, set: (value) => change({ [param[0]]: value }) }));
  const padded = Math.ceil(settings.length / slots) * slots;
  const cells = settings.length
    ? [...settings, ...Array.from({ length: padded - settings.length }, () => h("span", { class: "param empty" }))]
    : [h("span", { class: "param none muted", text: scaling ? "inputs x − 0.5: from [0, 1] to [−0.5, 0.5]" : "no parameters" })];
  const tool = (to, text, label) => {
    const b = h("button", { type: "button", class: "icon", "aria-label": `${label} layer ${i + 1}`, text, disabled: to < (pinned ? 1 : 0) || to >= count });
    b.addEventListener("click", () => move(to));
    return b;
  };
  const drop = h("button", { type: "button", class: "icon", "aria-label": `remove layer ${i + 1}`, text: "✕" });
  drop.addEventListener("click", remove);
  return h("li", { class: "layer", "data-layer-row": String(i), "data-layer-type": layer.type },
    h("span", { class: "layer-number num", text: String(i + 1) }),
    h("span", { class: "layer-type", text: layer.type }),
    h("span", { class: "layer-shape num", "data-layer-shape": true }),
    h("span", { class: "layer-tools" }, ...(scaling ? [] : [tool(i - 1, "↑", "move up"), tool(i + 1, "↓", "move down")]), drop),
    h("span", { class: "layer-params" }, ...cells),
    h("p", { class: "layer-error", role: "alert", "data-layer-error": true, hidden: true }));
}
