// The Train form's optimizer settings: the chosen optimizer's own arguments (momentum, Nesterov,
// weight decay, betas, ...: as many as the server's catalogue lists for it), and the layers'
// own optimizers (torch's parameter groups: these layers with that optimizer and rate).
import { MAX_GROUPS, newGroup, optimizerArguments } from "../../lib/trainoptions.js";
import { el as h } from "../../components/dom.js";

const WORDS = {
  momentum: "momentum", dampening: "dampening", nesterov: "Nesterov momentum", weight_decay: "weight decay (L2)",
  lr_decay: "learning-rate decay", initial_accumulator_value: "initial accumulator", eps: "ε (eps)", alpha: "α (smoothing)",
  centered: "centred", betas: "β1, β2", amsgrad: "AMSGrad",
};

/** One argument's input; `set(value)` stores it (null: the default). */
function argumentInput(arg, value, set, id) {
  const label = WORDS[arg.name] || arg.name;
  if (arg.kind === "boolean") {
    const box = h("input", { type: "checkbox", "data-optimizer-arg": arg.name });
    box.checked = value ?? arg.default;
    box.addEventListener("change", () => set(box.checked));
    return h("label", { class: "check" }, box, h("span", { text: label }));
  }
  const number = (v, which, i) => {
    const input = h("input", { type: "number", step: "any", min: "0", value: v === null || v === undefined ? "" : String(v), placeholder: String(which), "aria-label": i === undefined ? label : `${label}: ${i === 0 ? "β1" : "β2"}`, "data-optimizer-arg": arg.name, inputmode: "decimal" });
    return input;
  };
  if (arg.kind === "pair") {
    const current = value || arg.default;
    const inputs = [0, 1].map((i) => number(current[i], arg.default[i], i));
    for (const input of inputs) input.addEventListener("input", () => set(inputs.map((x) => (x.value === "" ? null : Number(x.value)))));
    return h("div", { class: "field" }, h("span", { class: "field-label", text: label }), h("div", { class: "pair" }, ...inputs));
  }
  const input = number(value, arg.default);
  input.id = id;
  input.addEventListener("input", () => set(input.value === "" ? null : Number(input.value)));
  return h("div", { class: "field" }, h("label", { class: "field-label", for: id, text: label }), input);
}

/**
 * The optimizer settings of `form.optimizer` (values in `form.optimizer_kwargs`) and the groups
 * in `form.param_groups`; `changed()` after each change; `kit` is the form's fieldKit. Returns
 * { element, render(optimizers) (the catalogue's list), setLayers(names) (the layers with
 * weights the plan names) }.
 */
export function optimizerOptions(form, kit, { changed }) {
  let optimizers = [];
  let layers = [];
  const argsBox = h("div", { class: "optimizer-args", "data-optimizer-args": true });
  const groupsBox = h("div", { class: "param-groups", "data-param-groups": true });
  const element = h("fieldset", { class: "optimizer-options" },
    h("legend", { text: "Optimizer settings" }), argsBox, kit.errorFor("optimizer_kwargs", argsBox),
    h("h4", { text: "Layers with their own optimizer" }),
    h("p", { class: "muted field-note", text: "As torch's parameter groups: the layers a group names learn with its optimizer and rate; the others with the one above." }),
    groupsBox, kit.errorFor("param_groups", groupsBox));

  function renderArgs() {
    const args = optimizerArguments(optimizers, form.optimizer);
    const values = form.optimizer_kwargs || {};
    argsBox.replaceChildren(...args.map((arg) => argumentInput(arg, values[arg.name], (value) => {
      form.optimizer_kwargs = { ...(form.optimizer_kwargs || {}), [arg.name]: value };
      changed();
    }, `train-opt-${arg.name}`)));
    if (!args.length) argsBox.append(h("p", { class: "muted", text: optimizers.length ? "This optimizer has no other settings." : "Loading the optimizers' settings…" }));
  }

  function setGroups(groups) {
    form.param_groups = groups;
    changed();
    renderGroups();
  }

  function renderGroups() {
    const groups = form.param_groups || [];
    const rows = groups.map((group, g) => {
      const update = (patch) => { form.param_groups = groups.map((x, j) => (j === g ? { ...x, ...patch } : x)); changed(); };
      const boxes = layers.map((name) => {
        const box = h("input", { type: "checkbox", value: name, "data-group-layer": name });
        box.checked = group.layers.includes(name);
        box.addEventListener("change", () => update({ layers: layers.filter((n) => (n === name ? box.checked : form.param_groups[g].layers.includes(n))) }));
        return h("label", { class: "check" }, box, h("span", { text: name }));
      });
      const select = h("select", { "aria-label": `group ${g + 1} optimizer`, "data-group-optimizer": true }, ...optimizers.map((o) => h("option", { value: o.name, text: o.name })));
      select.value = group.optimizer;
      select.addEventListener("change", () => update({ optimizer: select.value }));
      const lr = h("input", { type: "number", step: "any", min: "0", value: String(group.lr ?? ""), "aria-label": `group ${g + 1} learning rate`, "data-group-lr": true, inputmode: "decimal" });
      lr.addEventListener("input", () => update({ lr: lr.value === "" ? null : Number(lr.value) }));
      const remove = h("button", { type: "button", text: "Remove", "aria-label": `remove group ${g + 1}` });
      remove.addEventListener("click", () => setGroups(groups.filter((_, j) => j !== g)));
      return h("div", { class: "param-group", "data-param-group": String(g) },
        h("div", { class: "row group-layers", role: "group", "aria-label": `group ${g + 1} layers` }, ...(boxes.length ? boxes : [h("span", { class: "muted", text: "The network's layers appear once the server has planned the run." })])),
        h("div", { class: "row" }, select, lr, remove));
    });
    const add = h("button", { type: "button", text: "Add a group", "data-add-group": true, disabled: groups.length >= MAX_GROUPS });
    add.addEventListener("click", () => setGroups([...groups, newGroup()]));
    groupsBox.replaceChildren(...rows, add);
  }

  renderArgs();
  renderGroups();
  return {
    element,
    render(list) { optimizers = list; renderArgs(); renderGroups(); },
    /** The optimizer changed: its own settings start from its defaults. */
    optimizerChanged() { form.optimizer_kwargs = {}; renderArgs(); },
    setLayers(names) {
      if (names.join() === layers.join()) return;
      layers = names;
      renderGroups();
    },
  };
}
