// A student's side of a class, in pure functions: which class the URL names, the student's saved
// session, the teacher's view state as a change of the student's own state, and how long to wait
// before reconnecting. The page (views/classroom/student*.js) wires them to the DOM; `node --test` checks them.
import { LOCAL_KEYS } from "./classstate.js";
import { withLinkedDigit } from "./url.js";

/** The class code in the page's query (`?class=ab3k7q` → "AB3K7Q"), or null. Codes are checked
 * by the server, which says what to fix; the page only trims and upper-cases what was typed. */
export function classCodeFrom(search) {
  const code = new URLSearchParams(String(search || "")).get("class");
  const cleaned = (code || "").trim().toUpperCase();
  return cleaned || null;
}

/** Where a student's session for class `code` is kept in sessionStorage. */
export const sessionKey = (code) => `cnnviz.class.${code}`;

/** A saved session (`text` from sessionStorage) as `{studentId, token, name}`, or null when
 * there is none or it is not one (a hand-edited value, an older format). */
export function parseSession(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value.token !== "string" || !value.token) return null;
  if (typeof value.studentId !== "string" || typeof value.name !== "string") return null;
  return { studentId: value.studentId, token: value.token, name: value.name };
}

/**
 * The teacher's view state `state` (the URL keys, as PUT by the teacher's page) as a patch of the
 * student's store, whose state is `current`: read the way a link is read (the digit its `input`
 * names becomes the digit: `url.js`'s withLinkedDigit), and every one of `keys` the teacher's
 * state lacks cleared, so closing a lab or leaving a position closes it on every screen too. A
 * state without `input` leaves the digit as it is, as a link without one does, and one without
 * `model` the model (without one no view computes). The screen's own keys (classstate.js's
 * LOCAL_KEYS: presentation mode) and keys outside `keys` are never taken from the teacher.
 */
export function followPatch(state, current, keys) {
  const shared = keys.filter((key) => !LOCAL_KEYS.includes(key));
  const given = {};
  for (const key of shared) {
    if (state && state[key] !== undefined && state[key] !== null && state[key] !== "") given[key] = state[key];
  }
  const read = withLinkedDigit(given, current);
  const patch = {};
  for (const key of shared) {
    if (key === "input") continue; // the digit's code: set with the digit, below
    if (key === "model" && read.model === undefined) continue; // a page always has a model
    patch[key] = read[key] ?? null;
  }
  if (read.digit) {
    patch.digit = read.digit;
    patch.input = read.input;
  }
  return patch;
}

/** How long to wait before reconnecting after `attempt` failed tries in a row: 0.5 s, then
 * doubling, at most 5 s (a restarting server is back within a few seconds; a class of 200 must
 * not hammer it). */
export const reconnectDelay = (attempt) => Math.min(5000, 500 * 2 ** Math.max(0, attempt));
