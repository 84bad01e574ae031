// What the Train view's form says about a run before it starts, with no DOM: the server's plan
// (POST /api/train/plan) in a sentence or three, and its problems beside the fields they are
// about, each after the field's own label. Every number here is the server's.
import { grouped } from "./format.js";

/** The form's label of each request field it shows (the server's `fields` are keyed by these). */
export const FIELD_LABELS = {
  model: "Network", spec: "Network", dataset: "Dataset", classes: "Classes to learn",
  train_size: "Training digits", epochs: "Epochs", batch_size: "Batch size", lr: "Learning rate",
  optimizer: "Optimizer", seed: "Seed", steps_per_second: "Pace", probe_layer: "Watch layer",
  train_subset: "Training subset", test_size: "Test digits", test_subset: "Test subset",
  loss: "Loss", keep_best: "Keep the best epoch", optimizer_kwargs: "Optimizer settings",
  param_groups: "Layers with their own optimizer", augmentation: "Augmentation",
};

/** The server's `fields` ({field: words}) as the form shows them: `byField` for the fields it
 * has ("Training digits: at most 540 for classes 0 and 1 …"), `others` for the rest, with the
 * request's name of the field (the form has no place for them). */
export function fieldMessages(fields) {
  const byField = {};
  const others = [];
  for (const [name, words] of Object.entries(fields || {})) {
    if (FIELD_LABELS[name]) byField[name] = `${FIELD_LABELS[name]}: ${words}`;
    else others.push(`${name}: ${words}`);
  }
  return { byField, others };
}

/** "3.6e7": a large count in a few characters. */
export function scientific(value) {
  if (value < 1e5) return grouped(value);
  const [mantissa, power] = value.toExponential(1).split("e");
  return `${mantissa.replace(/\.0$/, "")}e${Number(power)}`;
}

/** "about 40 s" / "about 2 min 5 s" / "under a second". */
export function duration(seconds) {
  if (seconds < 1) return "under a second";
  const s = Math.round(seconds);
  return s < 60 ? `about ${s} s` : `about ${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
}

/** "2 steps a second" / "1 step a second" / "0.5 steps a second". */
export const paceText = (pace) => `${pace} ${pace === 1 ? "step" : "steps"} a second`;

/** What the server has for the chosen classes: "600 digits of classes 0 and 1 on the server
 * (0: 300, 1: 300); 60 held out for validation, at most 540 to train on." (null before a plan
 * with counts). */
export function availableText(plan) {
  if (!plan || plan.available === null || plan.available === undefined) return null;
  const each = plan.class_names.map((name, i) => `${name}: ${grouped(plan.class_counts[i])}`).join(", ");
  const held = plan.validation_size === null ? "" : `; ${grouped(plan.validation_size)} held out for validation, at most ${grouped(plan.max_train_size)} to train on`;
  return `${grouped(plan.available)} training images of these classes on the server (${each})${held}.`;
}

/** The plan in lines: the steps, the duration at the pace, the validation points, the compute
 * against the budget. Empty for a plan without steps (a problem, or no dataset). */
export function planLines(plan) {
  if (!plan || !plan.total_steps) return [];
  const pace = plan.steps_per_second;
  return [
    `${grouped(plan.total_steps)} steps: ${grouped(plan.steps_per_epoch)} an epoch × ${grouped(plan.epochs)} ${plan.epochs === 1 ? "epoch" : "epochs"} of ${grouped(plan.train_size)} images in batches of ${grouped(plan.batch_size)}.`,
    pace ? `Takes ${duration(plan.seconds)} at ${paceText(pace)}.` : `Takes ${duration(plan.seconds)} as fast as possible (estimated from the compute).`,
    `${grouped(plan.validation_points)} validation points, one every ${plan.validate_every === 1 ? "step" : `${grouped(plan.validate_every)} steps`}.`,
    `Compute: ${scientific(plan.multiply_adds)} of the ${scientific(plan.budget)} multiply-adds one run may use.`,
  ];
}

/** The layers a probe can show as maps (an output of channels × rows × columns), as select
 * choices {value, text}, in the network's order. */
export function probeChoices(plan) {
  if (!plan || !plan.layers) return [];
  return plan.layers.filter((layer) => layer.shape.length === 3).map((layer) => ({
    value: layer.name,
    text: `${layer.name} (${layer.type}, ${layer.shape.join("×")})`,
  }));
}
