// Comparing training runs with no DOM: what each run is called in a chart's legend (its
// optimizer, learning rate and augmentation, read from the config the server recorded), and
// which runs the comparison may hold.
import { grouped } from "./format.js";

/** At most this many runs overlaid on one chart (each a line style of its own). */
export const MAX_COMPARED = 6;

/** A learning rate in a few characters: 0.001, 0.0005, 1e-5. */
export const rate = (lr) => (lr >= 1e-4 ? String(Number(lr.toPrecision(3))) : lr.toExponential(0));

/** "adam · lr 0.001 · no augmentation · 2 classes · 500 digits" for a job's recorded `config`. */
export function runLegend(config) {
  const classes = config.classes ? `${config.classes.length} classes` : "all classes";
  return [
    config.optimizer, `lr ${rate(config.lr)}`,
    config.augmentation ? "augmented" : "no augmentation",
    classes, config.train_size ? `${grouped(config.train_size)} digits` : null,
  ].filter(Boolean).join(" · ");
}

/** The legends of `jobs` ({id, config}): each run's legend, with its id's end added where two
 * runs would otherwise read the same. */
export function legends(jobs) {
  const texts = jobs.map((job) => runLegend(job.config));
  return texts.map((text, i) => (texts.filter((t) => t === text).length > 1 ? `${text} (${jobs[i].id.slice(-4)})` : text));
}

/** `chosen` (job ids, in the order picked) with `id` added or taken out; at most MAX_COMPARED
 * (the oldest pick gives way). */
export function toggled(chosen, id, on) {
  const rest = chosen.filter((x) => x !== id);
  return on ? [...rest, id].slice(-MAX_COMPARED) : rest;
}
