// What a teacher's page sends as the class state while "Follow me" is on: the keys a link
// carries (store.js URL_KEYS: the view, the model, each view's position and the drawing's input
// code), so a student's page applies it the way it opens a link. Presentation mode stays each
// screen's own choice: a phone must not take the projector's zoom. Pure, tested with node.

/** Keys of the page's URL state that a class never follows. */
export const LOCAL_KEYS = ["present"];

/** The class state for the page state `state`: every key of `urlKeys` that is set, except the
 * LOCAL_KEYS, in `urlKeys`' order (so two equal states are equal as JSON). */
export function classState(state, urlKeys) {
  const out = {};
  for (const key of urlKeys) {
    if (LOCAL_KEYS.includes(key)) continue;
    const value = state[key];
    if (value === undefined || value === null || value === "") continue;
    out[key] = value;
  }
  return out;
}

/** The teacher's class as kept in sessionStorage (`{code, token, join_url, seq}`, seq the last
 * event seen), read back from its JSON text; null when it is missing or not such a record. */
export function readTeacherSession(text) {
  let value;
  try {
    value = JSON.parse(text ?? "null");
  } catch {
    return null;
  }
  if (!value || typeof value.code !== "string" || typeof value.token !== "string") return null;
  if (!value.code || !value.token) return null;
  const seq = Number.isInteger(value.seq) && value.seq >= 0 ? value.seq : 0;
  const joinUrl = typeof value.join_url === "string" ? value.join_url : null;
  return { code: value.code, token: value.token, join_url: joinUrl, seq };
}
