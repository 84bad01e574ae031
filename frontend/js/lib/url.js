// The view state that belongs in a link: read from and written to the URL hash, so a teacher can
// share exactly the view on the screen (model, tab, layer, channel, stepper position, ...).
// Each view's keys are its own (the stepper's `conv`, `filter`, `at`; the Pooling view's `pool`,
// `map`, `window`), so choosing in one view never moves another; `tab`, `model`, `target`, `job`
// and `input` (the digit every view computes from, as the code an API answer gave for it) are
// shared. Pure functions of strings, tested with `node --test`.

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

/** The keys a link wrote before each view had its own, by the tab they belonged to: old name ->
 * today's name (`row` and `col` together become the stepper's `at`). */
const OLD_KEYS = {
  stepper: { layer: "conv", channel: "filter" },
  pooling: { channel: "map" },
};
const RETIRED = ["layer", "channel", "row", "col"];

/**
 * `state` (from parseHash) with an old link's shared keys read as the keys of the tab it names
 * (`tab`, else `currentTab`): "#tab=stepper&layer=conv2&channel=3&row=4&col=7" opens the stepper
 * at conv2, filter 3, cell (4, 7). A key written today wins over its old name; old keys no view
 * owns under that tab are dropped.
 */
export function readOldKeys(state, currentTab) {
  const tab = state.tab ?? currentTab;
  const renamed = OLD_KEYS[tab] || {};
  const out = { ...state };
  for (const key of RETIRED) delete out[key];
  for (const [old, key] of Object.entries(renamed)) {
    if (state[old] !== undefined && state[key] === undefined) out[key] = state[old];
  }
  if (tab === "stepper" && state.at === undefined && (state.row !== undefined || state.col !== undefined)) {
    const whole = (v) => (Number.isInteger(v) && v >= 0 ? v : 0);
    out.at = formatCell({ row: whole(state.row), col: whole(state.col) });
  }
  return out;
}

/**
 * `state` (a link read by parseHash) plus the digit its `input` names: `{code}` when the link
 * carries an input code other than `current.input` (the one the page computes from already), so
 * opening a link, or pasting another, shows that digit in every view. A link without one leaves
 * the digit as it is; the page never decodes the code, it sends it back to the API.
 */
export function withLinkedDigit(state, current) {
  const code = state.input;
  if (typeof code !== "string" || code === current.input) return state;
  return { ...state, digit: { code } };
}
