// The view state that belongs in a link: read from and written to the URL hash, so a teacher can
// share exactly the view on the screen (model, tab, layer, channel, stepper position, ...).
// Pure functions of strings, tested with `node --test`.

/** Parse "#tab=network&layer=conv1&row=3" into {tab: "network", layer: "conv1", row: 3}.
 * Values that are whole numbers become numbers; empty values are dropped. */
export function parseHash(hash) {
  const params = new URLSearchParams(String(hash || "").replace(/^#/, ""));
  const state = {};
  for (const [key, value] of params) {
    if (value === "") continue;
    state[key] = /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return state;
}

/** The hash for `state`, keeping only `keys` (in that order) whose values are set. */
export function formatHash(state, keys) {
  const params = new URLSearchParams();
  for (const key of keys) {
    const value = state[key];
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `#${text}` : "";
}

/** "4,7" (a cell written into a link) as {row: 4, col: 7}; null unless two whole numbers ≥ 0. */
export function parseCell(text) {
  const match = /^(\d+),(\d+)$/.exec(String(text ?? ""));
  return match ? { row: Number(match[1]), col: Number(match[2]) } : null;
}

/** {row, col} as "row,col", for a link. */
export const formatCell = ({ row, col }) => `${row},${col}`;
