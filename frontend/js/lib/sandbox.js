// The sandbox view's link and form, with no DOM: matrices typed as text and written into the
// link (values by ",", rows by ";"), the link's keys (sbin, sbkernel, sbop, sbpad, sbstride,
// sbdil, sbflip, sbpool, sbgrad) read into a POST /api/sandbox body and a body written back as
// link keys (the course's examples come from the server as bodies), and the window of an output
// cell looked up in the server's answer. The sandbox computes nothing itself: every number it
// shows is the server's.

export const OPS = ["conv", "maxpool", "avgpool"];
export const PADDING_MODES = ["valid", "same", "full"];
export const SANDBOX_KEYS = ["sbin", "sbkernel", "sbop", "sbpad", "sbstride", "sbdil", "sbflip", "sbpool", "sbgrad"];

/**
 * A matrix typed as text: rows on separate lines or separated by ";", numbers by commas or
 * spaces. Returns `{values}` (null for blank text) or `{error}` naming the token that is not a
 * number. Rows of different lengths are left for the server to refuse, in its own words.
 */
export function parseMatrix(text) {
  const rows = String(text ?? "").split(/[;\n]/).map((row) => row.trim()).filter(Boolean);
  if (!rows.length) return { values: null };
  const values = [];
  for (const row of rows) {
    const tokens = row.split(/[\s,]+/).filter(Boolean);
    const numbers = tokens.map((token) => (/^[-+\u2212]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(token) ? Number(token.replace("\u2212", "-")) : NaN));
    const bad = tokens.find((_, i) => !Number.isFinite(numbers[i]));
    if (bad !== undefined) return { error: `"${bad}" is not a number` };
    values.push(numbers);
  }
  return { values };
}

/** Rows as link text ("1,3;2,4"), or as the form shows them (`rows` "\n", `cols` ", "). */
export const formatMatrix = (values, { rows = ";", cols = "," } = {}) =>
  values.map((row) => row.join(cols)).join(rows);

/** The link's text for a typed matrix: its numbers re-written, or the text as typed when it
 * does not parse (so the form keeps what the user typed and says what is wrong). */
function linkMatrix(text) {
  const { values, error } = parseMatrix(text);
  if (error) return String(text).trim().replace(/\n+/g, ";");
  return values ? formatMatrix(values) : null;
}

const whole = (value, least) => {
  const n = Number(value);
  return value !== "" && value !== null && value !== undefined && Number.isInteger(n) && n >= least ? n : null;
};

/** A link's `sbpad`: "valid", "same", "full", or a whole number of zeros on each side. */
export function readPadding(value) {
  if (PADDING_MODES.includes(value)) return value;
  return whole(value, 0) ?? 0;
}

/**
 * The request the link's sandbox keys ask for: `{body}` (a POST /api/sandbox body) or `{error}`
 * (a matrix that does not parse, in the words of the field). A link without any opens on
 * `opening` (the body of the server's first example, the course's 1-D convolution); else absent
 * keys take the defaults: that body's input and kernel, pools of 2, the server's stride (1, or
 * the pool size), padding 0, dilation 1, no flip, the upstream gradient all ones.
 */
export function requestFromState(linked, opening = {}) {
  const state = SANDBOX_KEYS.some((key) => linked[key] != null) ? linked : stateFromRequest(opening);
  const op = OPS.includes(state.sbop) ? state.sbop : "conv";
  const body = { op, padding: readPadding(state.sbpad) };
  const fields = [["input", "sbin", "the input"], ["grad", "sbgrad", "the upstream gradient"]];
  if (op === "conv") fields.push(["kernel", "sbkernel", "the kernel"]);
  for (const [name, key, what] of fields) {
    const { values, error } = parseMatrix(state[key]);
    if (error) return { error: `${what}: ${error}` };
    if (values) body[name] = values;
  }
  if (opening.input) body.input ??= opening.input;
  const stride = whole(state.sbstride, 1);
  if (stride !== null) body.stride = stride;
  if (op === "conv") {
    if (opening.kernel) body.kernel ??= opening.kernel;
    body.dilation = whole(state.sbdil, 1) ?? 1;
    body.flip = String(state.sbflip) === "1";
  } else {
    body.pool = whole(state.sbpool, 1) ?? 2;
  }
  return { body };
}

/**
 * The link's keys for what the form shows (`form`: the fields' texts and values): matrices as
 * link text, defaults left out (null), so a link says only what differs.
 */
export function stateFromForm(form) {
  const conv = form.op === "conv";
  const padding = form.padding === "number" ? whole(form.padnum, 0) ?? 0 : form.padding;
  return {
    sbop: form.op,
    sbin: linkMatrix(form.input),
    sbkernel: conv ? linkMatrix(form.kernel) : null,
    sbpool: conv ? null : whole(form.pool, 1),
    sbstride: whole(form.stride, 1),
    sbdil: conv && whole(form.dilation, 1) > 1 ? whole(form.dilation, 1) : null,
    sbflip: conv && form.flip ? 1 : null,
    sbpad: padding === 0 || padding === "valid" ? "valid" : padding,
    sbgrad: linkMatrix(form.grad),
  };
}

/** The form's fields for a request body (the inverse of stateFromForm, for a link opened); a
 * pool's body shows `opening`'s kernel, ready for a switch to conv. */
export function formFromRequest(body, opening = {}) {
  const numbered = typeof body.padding === "number";
  const text = (values) => (values ? formatMatrix(values, { rows: "\n", cols: ", " }) : "");
  return {
    op: body.op,
    input: text(body.input),
    kernel: text(body.kernel ?? opening.kernel),
    pool: String(body.pool ?? 2),
    stride: body.stride ? String(body.stride) : "",
    padding: numbered ? (body.padding === 0 ? "valid" : "number") : body.padding,
    padnum: numbered ? String(body.padding) : "1",
    dilation: String(body.dilation ?? 1),
    flip: Boolean(body.flip),
    grad: text(body.grad),
  };
}

/** The link's keys for a request body (an example's, as the server gives it). */
export const stateFromRequest = (body) => stateFromForm(formFromRequest({ padding: 0, ...body }));

/** Every sandbox key of `state` (missing ones null): a link state replaces the whole sandbox. */
export const sandboxPatch = (state) => Object.fromEntries(SANDBOX_KEYS.map((key) => [key, state[key] ?? null]));

/** The padded cells output (i, j) reads, as "row,col" strings: the server's windows give the
 * padded rows of each output row and the padded columns of each output column. */
export function windowCells(windows, i, j) {
  return windows.rows[i].flatMap((r) => windows.cols[j].map((c) => `${r},${c}`));
}

/** The fewest decimals (0 to `most`) that show every value of `matrices` exactly, so integer
 * inputs read as integers and 2.25 keeps its two decimals. */
export function decimalsFor(matrices, most = 3) {
  const values = matrices.flat(Infinity).filter(Number.isFinite);
  for (let d = 0; d < most; d += 1) {
    if (values.every((v) => Math.abs(Number(v.toFixed(d)) - v) < 1e-9)) return d;
  }
  return most;
}
