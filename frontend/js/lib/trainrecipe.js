// The Train form's values for a training recipe (GET /api/train/recipes: a notebook's set-up as
// a POST /api/train body), with no DOM: every field the form shows, and the rest kept as they
// are so that the run started is the recipe's.
import { CUSTOM } from "./catalogue.js";
import { fromSpec } from "./layers.js";

/** The request fields the form shows (with the ones it derives: spec, augmentation, the pace). */
const SHOWN = new Set([
  "model", "spec", "dataset", "classes", "train_size", "optimizer", "lr", "optimizer_kwargs", "param_groups",
  "batch_size", "epochs", "seed", "augmentation", "steps_per_second", "probe_layer", "loss", "train_subset",
  "test_size", "test_subset", "keep_best", "emit_filters",
]);

/** The form's values for recipe `config`, starting from `defaults` (the form's own) for the
 * fields it leaves out. */
export function recipeForm(config, defaults) {
  const pick = (key) => (config[key] === undefined ? defaults[key] : config[key]);
  const layers = config.spec ? fromSpec(config.spec) : defaults.layers;
  const last = layers[layers.length - 1];
  const extra = Object.fromEntries(Object.entries(config).filter(([key]) => !SHOWN.has(key)));
  return {
    ...defaults,
    model: config.spec ? CUSTOM : pick("model"), layers,
    sigmoid_head: Boolean(config.spec && last && last.type === "Dense" && last.out_features === 1),
    // A recipe without classes or a training size means the server's defaults: every class, and
    // every digit not held out.
    dataset: pick("dataset"), classes: config.classes ?? null, train_size: config.train_size ?? null, optimizer: pick("optimizer"), lr: pick("lr"),
    optimizer_kwargs: { ...(config.optimizer_kwargs || {}) }, param_groups: (config.param_groups || []).map((g) => ({ ...g, layers: [...g.layers] })),
    batch_size: pick("batch_size"), epochs: pick("epochs"), seed: pick("seed"),
    augmentation: Boolean(config.augmentation), probe_layer: config.probe_layer || "",
    steps_per_second: config.steps_per_second ?? defaults.steps_per_second, fast: !config.steps_per_second,
    loss: pick("loss"), train_subset: pick("train_subset"), test_size: config.test_size ?? null,
    test_subset: pick("test_subset"), keep_best: Boolean(config.keep_best), extra,
  };
}

/** "Also: validation_size 100, lr_schedule cosine." for the recipe fields the form has no
 * place for (null when there are none). */
export function extraText(extra) {
  const entries = Object.entries(extra || {});
  if (!entries.length) return null;
  return `The set-up also sends: ${entries.map(([key, value]) => `${key} ${JSON.stringify(value)}`).join(", ")}.`;
}
