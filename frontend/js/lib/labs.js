// Guided labs, as pure functions of the lab data and the page's state. A lab is a list of
// steps; each step names the view state to look at as a link (`tab=sandbox&sbin=...`). Opening a
// step sets exactly that state: every view key the link does not name is cleared, so a key left
// over from an earlier step (a padding, a window) never changes what the step shows. The lab and
// the step number are URL keys too, so the lab bar survives a reload and a shared link.
import { formatHash, parseHash } from "./url.js";

/** The keys a step leaves as they are: the model (a step may ask to use a trained one), the
 * digit, presentation mode, and the lab's own keys, which `openStep` sets. */
export const KEPT_KEYS = Object.freeze(["model", "input", "present", "lab", "step"]);

/** The lab called `id` in `labs`, or null. */
export function findLab(labs, id) {
  return labs.find((lab) => lab.id === id) || null;
}

/** The step `step` (1-based, as in the link) of `lab`, clamped to the lab's steps; 1 when it
 * is not a whole number. */
export function stepNumber(lab, step) {
  const wanted = Number.isInteger(step) ? step : 1;
  return Math.min(Math.max(wanted, 1), lab.steps.length);
}

/** The lab open in `state` and its step: `{lab, number, step}`, or null when no lab is open or
 * the link names no lab of `labs`. */
export function openLab(labs, state) {
  const lab = findLab(labs, state.lab);
  if (!lab) return null;
  const number = stepNumber(lab, state.step);
  return { lab, number, step: lab.steps[number - 1] };
}

/** The store patch that opens step `number` of `lab`: every key of `urlKeys` outside KEPT_KEYS
 * cleared, then the step's link, the lab and the step. */
export function openStep(lab, number, urlKeys) {
  const patch = {};
  for (const key of urlKeys) if (!KEPT_KEYS.includes(key)) patch[key] = undefined;
  const n = stepNumber(lab, number);
  return { ...patch, ...parseHash(lab.steps[n - 1].link), lab: lab.id, step: n };
}

/** The link of step `number` of `lab`, as a hash: what the step shows, with the lab and step,
 * so the link opens the view with the lab bar on it. */
export function stepHash(lab, number) {
  const n = stepNumber(lab, number);
  const state = { ...parseHash(lab.steps[n - 1].link), lab: lab.id, step: n };
  return formatHash(state, Object.keys(state));
}

/** The patch that closes the lab (the view on screen stays). */
export const closeLab = () => ({ lab: undefined, step: undefined });
