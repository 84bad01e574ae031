// The Train form's optimizer settings with no DOM: each optimizer's arguments as the server's
// catalogue states them (their kinds and defaults), the `optimizer_kwargs` a run sends (only the
// values that differ from the defaults), and the layers' own optimizers (`param_groups`).

/** At most this many groups of layers with their own optimizer (a network has few layers with
 * weights; the server checks the rest). */
export const MAX_GROUPS = 4;

/** How the form asks for an argument of JSON Schema `type`: "boolean", "pair" (two numbers, as
 * Adam's betas) or "number". */
function kindOf(type) {
  if (type.type === "boolean") return "boolean";
  if (type.type === "array") return "pair";
  return "number";
}

/** The arguments of optimizer `name` beyond the learning rate (the form's own field), as
 * {name, kind, default}, from the catalogue's `optimizers`. */
export function optimizerArguments(optimizers, name) {
  const optimizer = (optimizers || []).find((o) => o.name === name);
  if (!optimizer) return [];
  return optimizer.arguments.filter((a) => a.name !== "lr").map((a) => ({ name: a.name, kind: kindOf(a.type), default: a.default }));
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** The `optimizer_kwargs` for `values` ({name: value}) of these `args`: the values set and
 * different from their defaults; a number left empty (null) takes the default. */
export function kwargsBody(args, values) {
  const body = {};
  for (const arg of args) {
    const value = values ? values[arg.name] : undefined;
    if (value === undefined || value === null || same(value, arg.default)) continue;
    if (arg.kind === "pair" && (!Array.isArray(value) || value.some((v) => v === null))) continue;
    body[arg.name] = value;
  }
  return body;
}

/** The layers a group may name: those with weights (Conv2D, Dense) in the plan's `layers`. */
export function weightedLayers(plan) {
  if (!plan || !plan.layers) return [];
  return plan.layers.filter((layer) => layer.type === "Conv2D" || layer.type === "Dense").map((layer) => layer.name);
}

/** The `param_groups` of the form's groups ({layers, optimizer, lr}): those naming a layer. */
export function groupsBody(groups) {
  return (groups || []).filter((g) => g.layers && g.layers.length).map((g) => ({ layers: [...g.layers], optimizer: g.optimizer, lr: g.lr }));
}

/** A new group: no layers yet, AdaGrad at 0.01 (the course trains its dense layers so). */
export const newGroup = () => ({ layers: [], optimizer: "adagrad", lr: 0.01 });
