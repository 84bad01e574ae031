// What the Train view says about a run, with no DOM: the request that starts it, its progress
// line and figures, durations, and the colours of the confusion matrix's cells.
import { fixed, grouped, percent } from "./format.js";
import { CUSTOM } from "./catalogue.js";

/** The augmentation a run asks for when the form's box is ticked. */
export const AUGMENTATION = { rotation: 10, shift: 2 };

/** The body of POST /api/train for the form's values: a preset's name, or `spec`, the built
 * layers as the server checked them (POST /api/models/check's `spec`); the watch pace unless
 * the form asks for full speed (`fast`), and the layer to watch (empty: the server's choice).
 * The optimizer's settings, the layers' own optimizers, the loss, the subsets and keeping the
 * best epoch are sent when they differ from the server's defaults; `extra` (a recipe's fields
 * the form does not show) as they are. `kwargs` and `groups` are their request forms
 * (lib/trainoptions.js). */
export function runBody(form, spec = null, { kwargs = {}, groups = [] } = {}) {
  const body = {
    ...(form.extra || {}),
    dataset: form.dataset, classes: form.classes, train_size: form.train_size, optimizer: form.optimizer,
    lr: form.lr, batch_size: form.batch_size, epochs: form.epochs, seed: form.seed,
    augmentation: form.augmentation ? { ...AUGMENTATION } : null, emit_filters: true,
    steps_per_second: form.fast ? null : form.steps_per_second, probe_layer: form.probe_layer || null,
  };
  if (Object.keys(kwargs).length) body.optimizer_kwargs = kwargs;
  if (groups.length) body.param_groups = groups;
  if (form.loss && form.loss !== "cross_entropy") body.loss = form.loss;
  if (form.train_subset && form.train_subset !== "stratified") body.train_subset = form.train_subset;
  if (form.test_size !== null && form.test_size !== undefined) {
    body.test_size = form.test_size;
    if (form.test_subset && form.test_subset !== "stratified") body.test_subset = form.test_subset;
  }
  if (form.keep_best) body.keep_best = true;
  if (form.model === CUSTOM) body.spec = spec;
  else body.model = form.model;
  return body;
}

/** A duration: "under 0.1 s", "4.2 s" under a minute, else "2 min 5 s". */
export function seconds(s) {
  if (s < 0.05) return "under 0.1 s";
  return s < 60 ? `${fixed(s, 1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** The step a run is at: the done event's, else the last step's, else 0. */
export function stepNow(run) {
  return run.done ? run.done.global_step : run.last ? run.last.global_step : 0;
}

/** "Epoch 1 of 3 · step 40 of 96 · 2 steps a second · 4.2 s elapsed" for a started `run` (its
 * start, last step and done events); a finished run says "finished in" the done event's time,
 * a running one the time since the job started (its `started`; `created` for a record read before
 * it started) until `now` (s). */
export function progressLine(run, job, now) {
  const s = run.start;
  const epochNow = run.last ? run.last.epoch : 0;
  const pace = s.config && s.config.steps_per_second;
  let time = null;
  if (run.done) time = `finished in ${seconds(run.done.seconds)}`;
  else if (job) time = `${seconds(Math.max(0, now - (job.started ?? job.created)))} elapsed`;
  return [
    `Epoch ${epochNow} of ${s.epochs}`,
    `step ${grouped(stepNow(run))} of ${grouped(s.total_steps)}`,
    pace && !run.done ? `${pace} ${pace === 1 ? "step" : "steps"} a second` : null,
    time,
  ].filter(Boolean).join(" · ");
}

/** What the status line says of a run that failed: plainly, whether or not it had started. */
export function failureLine(run, message) {
  const what = message || "see the server's log";
  return run && run.start ? `The run failed: ${what}` : `The run failed before it started: ${what}`;
}

/** When a snapshot was taken: "before training (random start)", "at step 24 of 80 (epoch 2)". */
export function snapshotWhen(event, totalSteps) {
  if (event.global_step === 0) return "before training (random start)";
  const of = totalSteps ? ` of ${grouped(totalSteps)}` : "";
  return `at step ${grouped(event.global_step)}${of} (epoch ${event.epoch})`;
}

/** The run's figures so far, as [name, value] pairs. */
export function runMetrics(run) {
  const s = run.start;
  const last = run.last;
  const done = run.done;
  const items = [
    ["training digits", grouped(s.train_size)], ["validation", grouped(s.validation_size)],
    ["classes", s.class_names.join(", ")],
  ];
  if (last && last.loss !== null) items.push(["batch loss", fixed(last.loss, 3)]);
  const scored = run.points && run.points.length ? run.points[run.points.length - 1] : run.epochs[run.epochs.length - 1];
  if (scored && scored.val_accuracy !== null) items.push(["validation accuracy", percent(scored.val_accuracy)]);
  if (done && done.accuracy !== null) items.push([done.evaluated_words ? `accuracy on ${done.evaluated_words}` : `${done.evaluated_on} accuracy`, percent(done.accuracy)]);
  if (done && done.best_epoch !== null && done.best_epoch !== undefined) {
    const score = done.best_accuracy === null || done.best_accuracy === undefined ? "" : `: ${percent(done.best_accuracy)} on validation`;
    items.push(["weights kept", `epoch ${done.best_epoch}, the best${score}`]);
  }
  return items;
}

// Cell colours: blue for correct answers (by their share of the row), orange for mistakes
// (by their size against the largest mistake), each mixed into white.
const CORRECT = [34, 81, 199];
const WRONG = [230, 120, 0];
const mix = (rgb, t) => rgb.map((c) => Math.round(255 + (c - 255) * Math.min(1, Math.max(0, t))));

/** The largest count off the diagonal of the confusion matrix `m` (at least 1). */
export const largestMistake = (m) => Math.max(1, ...m.flatMap((r, i) => r.filter((_, j) => j !== i)));

/** The [r, g, b] of cell (t, p) holding `count` of the row's `total`; `maxOff` from largestMistake. */
export function cellColour(count, t, p, total, maxOff) {
  return t === p ? mix(CORRECT, 0.15 + 0.75 * (count / total)) : mix(WRONG, count ? 0.12 + 0.6 * (count / maxOff) : 0);
}
