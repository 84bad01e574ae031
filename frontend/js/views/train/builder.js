// The Train view's layer builder (the "custom" network): one row per layer with its parameters
// and output shape, checked as you build; move, remove, add, start over.
import { LAYER_KINDS, defaultLayer, firstError, layerShapes, moved, starterLayers } from "../../lib/shapes.js";
import { CUSTOM } from "../../lib/catalogue.js";
import { el as h } from "../../components/dom.js";

const PARAMS = {
  Conv2D: [["out_channels", "filters"], ["kernel_size", "kernel"], ["stride", "stride"], ["padding", "padding"]],
  MaxPool2D: [["kernel_size", "kernel"], ["stride", "stride"]],
  Dense: [["out_features", "outputs"]],
  ReLU: [], Flatten: [],
};

/** The builder in `builder` for `form.layers` (shown only when `form.model` is "custom"); each
 * change replaces `form.layers`, calls `save()` and draws the builder again. `classes` is the
 * number of outputs the last layer must have. */
export function renderBuilder(builder, form, { save, classes }) {
  const again = () => { save(); renderBuilder(builder, form, { save, classes }); };
  builder.hidden = form.model !== CUSTOM;
  if (builder.hidden) { builder.replaceChildren(); return; }
  const shapes = layerShapes(form.layers, [1, 28, 28], classes());
  const bad = firstError(shapes);
  const list = h("ol", { class: "layers" });
  form.layers.forEach((layer, i) => {
    const s = shapes[i];
    const params = PARAMS[layer.type].map(([key, label]) => {
      const input = h("input", { type: key === "padding" ? "text" : "number", min: key === "padding" ? null : "1", value: String(layer[key] ?? ""), "aria-label": `layer ${i + 1} ${layer.type} ${label}`, size: "3" });
      input.addEventListener("change", () => {
        const raw = input.value.trim();
        const value = key === "padding" && Number.isNaN(Number(raw)) ? raw : raw === "" ? null : Number(raw);
        form.layers = form.layers.map((l, j) => (j === i ? { ...l, [key]: value } : l));
        again();
        builder.querySelector(`[aria-label="${input.getAttribute("aria-label")}"]`)?.focus();
      });
      return h("label", { class: "param" }, h("span", { text: label }), input);
    });
    const move = (to, text, label) => {
      const b = h("button", { type: "button", class: "icon", "aria-label": `${label} layer ${i + 1}`, text, disabled: to < 0 || to >= form.layers.length });
      b.addEventListener("click", () => { form.layers = moved(form.layers, i, to); again(); });
      return b;
    };
    const remove = h("button", { type: "button", class: "icon", "aria-label": `remove layer ${i + 1}`, text: "✕" });
    remove.addEventListener("click", () => { form.layers = form.layers.filter((_, j) => j !== i); again(); });
    const shapeText = s.output ? `→ ${s.output.join("×")}` : i > bad && bad >= 0 ? "→ ?" : "";
    list.append(h("li", { class: `layer${s.error ? " bad" : ""}`, "data-layer-row": String(i) },
      h("span", { class: "layer-type", text: layer.type }), ...params,
      h("span", { class: "layer-shape num", "data-layer-shape": true, text: shapeText }),
      h("span", { class: "layer-tools" }, move(i - 1, "↑", "move up"), move(i + 1, "↓", "move down"), remove),
      s.error ? h("p", { class: "layer-error", role: "alert", text: `Layer ${i + 1} does not fit: ${s.error}` }) : null));
  });
  const kind = h("select", { "aria-label": "layer type to add" }, ...LAYER_KINDS.map((t) => h("option", { value: t, text: t })));
  const add = h("button", { type: "button", text: "Add layer" });
  add.addEventListener("click", () => { form.layers = [...form.layers, defaultLayer(kind.value)]; again(); });
  const reset = h("button", { type: "button", text: "Start over" });
  reset.addEventListener("click", () => { form.layers = starterLayers(classes()); again(); });
  builder.replaceChildren(
    h("p", { class: "muted", text: "Input 1×28×28. Each row shows its output shape." }),
    list, h("div", { class: "row" }, kind, add, reset));
  if (bad < 0) builder.append(h("p", { class: "good", text: `Fits: ${form.layers.length} layers, ending with ${classes()} outputs.` }));
}
