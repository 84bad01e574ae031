// The only module that talks to the server: views ask it, never `fetch` or `EventSource` directly.
//
// Every function returns the parsed JSON (or throws an ApiError whose message is the server's
// "what to fix" text). Functions that a view may call again before the last answer arrives
// take an AbortSignal, so stale requests are cancelled rather than raced.

/** A refusal or failure, with the HTTP status (0 when the server could not be reached) and the
 * server's `detail` as it came (e.g. the training route's `{message, problems, fields}`). */
export class ApiError extends Error {
  constructor(status, message, detail = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.detail = detail;
  }
}

/** The server's `detail` as one line: a string, FastAPI's list of `{loc, msg}`, or an object
 * with a `message` (the training route's `{message, problems}`). */
export function detailText(detail) {
  if (typeof detail === "string") return detail;
  if (detail && typeof detail.message === "string") return detail.message;
  if (Array.isArray(detail)) {
    return detail
      .map((item) => {
        const where = (item.loc || []).filter((part) => part !== "body").join(".");
        return where ? `${where}: ${item.msg}` : item.msg;
      })
      .join("; ");
  }
  return JSON.stringify(detail);
}

/** `body` is sent as JSON, `bytes` (a Blob or File) as it is, labelled `type` (default
 * application/octet-stream); `token` (a class's teacher or student token) in X-Class-Token. */
async function request(method, path, { body, bytes, type, signal, token } = {}) {
  const options = { method, signal, headers: {} };
  if (token) options.headers["X-Class-Token"] = token; // a class's routes; never in a URL
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  } else if (bytes !== undefined) {
    options.headers["Content-Type"] = type || "application/octet-stream";
    options.body = bytes;
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, `the server cannot be reached (${error.message})`);
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const message = data && data.detail !== undefined ? detailText(data.detail) : response.statusText;
    throw new ApiError(response.status, message, data ? data.detail : null);
  }
  return data;
}

const model = (id) => `/api/models/${encodeURIComponent(id)}`;

export const getHealth = () => request("GET", "/api/health");
/** What models can be built from: presets, layer types, optimizers, schedules, limits. */
export const catalogue = () => request("GET", "/api/catalogue");

// Models ---------------------------------------------------------------------------------------
export const listModels = () => request("GET", "/api/models");
export const getModel = (id) => request("GET", model(id));
/** `spec` is `{preset}` or `{layers, input_shape}`; see the schema at /docs. */
export const createModel = (spec) => request("POST", "/api/models", { body: spec });
/** The verdict on `{spec, classes}` (nothing is saved): `{fits: true, spec, layers, parameters}`
 * with each layer's shapes, or `{fits: false, fault: {message, layer, shapes}}`. */
export const checkSpec = (body, signal) => request("POST", "/api/models/check", { body, signal });
/** Give a user model a new name; answers its summary (bundled models are refused). */
export const renameModel = (id, name) => request("PATCH", model(id), { body: { name } });
export const deleteModel = (id) => request("DELETE", model(id));
export const exportUrl = (id) => `${model(id)}/export`;
/** Upload an exported .npz (a File or Blob) as a new user model; answers its summary. */
export const importModel = (file) => request("POST", "/api/models/import", { bytes: file });

// Model arithmetic and activation functions (the Model view) ---------------------------------
/** Each layer's output shape, parameters with their formula, multiply-adds and memory; totals. */
export const modelArithmetic = (id, signal) => request("GET", `${model(id)}/arithmetic`, { signal });
/** The same for a preset's architecture, without a trained model. */
export const architectureArithmetic = (preset, signal) =>
  request("GET", `/api/architectures/${encodeURIComponent(preset)}/arithmetic`, { signal });
export const listActivations = () => request("GET", "/api/activations");
/** f and f' sampled on [-6, 6] by the engine's layer; `slope` only for leakyrelu (null: 0.01). */
export const activationCurve = (name, slope, signal) => {
  const query = slope === null || slope === undefined ? "" : `?slope=${encodeURIComponent(slope)}`;
  return request("GET", `/api/activations/${encodeURIComponent(name)}${query}`, { signal });
};

// A digit through a model: `digit` is `{image: dataURL}`, `{pixels: 28×28}` or `{code}` ----------
export const predict = (id, digit, signal) =>
  request("POST", `${model(id)}/predict`, { body: digit, signal });
/** A photo (a File) through a model, sent as its own bytes: up to 12 MB, where a data URL in
 * JSON is held to the 5 MB of every body. */
export const predictPhoto = (id, file, signal) =>
  request("POST", `${model(id)}/predict`, { bytes: file, type: file.type || "application/octet-stream", signal });
export const trace = (id, digit, target, signal) =>
  request("POST", `${model(id)}/trace`, {
    body: target === undefined || target === null ? digit : { ...digit, target },
    signal,
  });
/** `step` is `{layer, channel, row, col, direction?, ...}`. */
export const convStep = (id, digit, step, signal) =>
  request("POST", `${model(id)}/conv-step`, { body: { ...digit, ...step }, signal });
export const poolStep = (id, digit, step, signal) =>
  request("POST", `${model(id)}/pool-step`, { body: { ...digit, ...step }, signal });

// Sharing -------------------------------------------------------------------------------------
/** Where the QR code of `text` (a link) is drawn, an SVG for an <img>: GET /api/qr. */
export const qrUrl = (text) => `/api/qr?${new URLSearchParams({ text })}`;

// Kernels on images ----------------------------------------------------------------------------
export const applyKernel = (body, signal) => request("POST", "/api/conv/apply", { body, signal });
/** The sandbox: a typed signal or matrix through conv, max or average pooling, forward and back. */
export const runSandbox = (body, signal) => request("POST", "/api/sandbox", { body, signal });
/** The course's sandbox examples: `[{name, title, note, request}]`, `request` a runSandbox body. */
export const sandboxExamples = () => request("GET", "/api/sandbox/examples");
/** A kernel over a photo (a File or Blob, sent as its bytes): `query` from lib/photo.js's
 * photoKernelQuery. Answers the filtered photo as a base64 PNG with its numbers. */
export const kernelOnPhoto = (photo, query, signal) =>
  request("POST", `/api/kernels/photo?${query}`, { bytes: photo, signal });
/** The page's example photo (a digit on notebook paper), as a Blob. */
export async function examplePhoto() {
  const response = await fetch("/img/example-photo.png");
  if (!response.ok) throw new ApiError(response.status, "the example photo is missing");
  return response.blob();
}

// Datasets -------------------------------------------------------------------------------------
export const listDatasets = () => request("GET", "/api/datasets");
export const downloadDataset = (name) =>
  request("POST", `/api/datasets/${encodeURIComponent(name)}/download`);
export function samples(name, { split = "test", label = null, n = 24 } = {}) {
  const query = new URLSearchParams({ split, n: String(n) });
  if (label !== null && label !== undefined && label !== "") query.set("label", String(label));
  return request("GET", `/api/datasets/${encodeURIComponent(name)}/samples?${query}`);
}

/** `n` images of a split starting at position `offset` (no label filter): e.g. the test digit a
 * training run's `misclassified[i].index` names. */
export function samplesAt(name, { split = "test", offset = 0, n = 1 } = {}) {
  const query = new URLSearchParams({ split, n: String(n), offset: String(offset) });
  return request("GET", `/api/datasets/${encodeURIComponent(name)}/samples?${query}`);
}

// Training -------------------------------------------------------------------------------------
export const startTraining = (config) => request("POST", "/api/train", { body: config });
/** What POST /api/train would start with `config` (nothing starts): its numbers, or `fits: false`
 * with `problems` and, by field, `fields`. */
export const planTraining = (config, signal) => request("POST", "/api/train/plan", { body: config, signal });
export const listJobs = () => request("GET", "/api/train");
export const getJob = (id) => request("GET", `/api/train/${encodeURIComponent(id)}`);
/** `command` is "pause", "resume", "step" or "stop". */
export const controlJob = (id, command) =>
  request("POST", `/api/train/${encodeURIComponent(id)}/${command}`);
/** A running job's learning rate from its next batch on (an `lr` event records the change). */
export const setLearningRate = (id, lr) =>
  request("POST", `/api/train/${encodeURIComponent(id)}/lr`, { body: { lr } });
/** The course notebooks' set-ups: [{name, title, notebook, config (a POST /api/train body), note}]. */
export const listRecipes = () => request("GET", "/api/train/recipes");

/**
 * Follow a job's Server-Sent Events. `handlers` maps event names ("start", "step", "epoch",
 * "filters", "done", "state", ...) to functions of the parsed data; a late subscriber gets the
 * history first. Returns a function that closes the stream.
 */
export function followJob(id, handlers, onError) {
  return follow(`/api/train/${encodeURIComponent(id)}/events`, handlers, onError);
}

export function followDownload(name, handlers, onError) {
  return follow(`/api/datasets/${encodeURIComponent(name)}/download/events`, handlers, onError);
}

/** Events after which the server ends a stream (a job cancelled while queued ends with
 * `cancelled`): closing on them stops EventSource from reconnecting to a finished stream. */
const FINAL_EVENTS = ["done", "error", "interrupted", "cancelled", "failed", "complete"];

function follow(url, handlers, onError) {
  const source = new EventSource(url);
  const names = new Set([...Object.keys(handlers), ...FINAL_EVENTS]);
  for (const name of names) {
    source.addEventListener(name, (event) => {
      if (FINAL_EVENTS.includes(name)) source.close();
      const handler = handlers[name];
      if (handler) handler(event.data ? JSON.parse(event.data) : null);
    });
  }
  source.onerror = () => {
    if (source.readyState !== EventSource.CLOSED && onError) onError();
  };
  return () => source.close();
}

// Classes (classroom mode) -----------------------------------------------------------------------
// Every route but create and join takes the teacher's or a student's token, sent in the
// X-Class-Token header; the event stream takes a single-use ticket instead (EventSource cannot
// send headers).
const classPath = (code) => `/api/classes/${encodeURIComponent(code)}`;

/** Start a class: `{code, teacher_token, join_url}`. */
export const createClass = (name) => request("POST", "/api/classes", { body: name ? { name } : {} });
/** Join as a student: `{student_id, student_token}`. */
export const joinClass = (code, name) => request("POST", `${classPath(code)}/join`, { body: { name } });
/** What a page shows when it (re)connects: name, pace, paused, state, spotlight, poll, roster. */
export const getClass = (code, token) => request("GET", classPath(code), { token });
/** A single-use ticket for the event stream (60 s): `{ticket}`. */
export const classTicket = (code, token) => request("POST", `${classPath(code)}/tickets`, { token });
/** The teacher's view state (the URL keys, the drawing's input code included). */
export const setClassState = (code, token, state) =>
  request("PUT", `${classPath(code)}/state`, { body: { state }, token });
/** `{pace?, paused?, pause_message?, anonymize?, model_id?}` -> the class. */
export const setClassSettings = (code, token, settings) =>
  request("PUT", `${classPath(code)}/settings`, { body: settings, token });
/** Show one drawing on every screen (`null` clears it). */
export const spotlightDrawing = (code, token, drawingId) =>
  request("POST", `${classPath(code)}/spotlight`, { body: { drawing_id: drawingId }, token });
/** A student's drawing (a data URL) with the digit meant: `{id, predicted, probabilities}`. */
export const submitClassDrawing = (code, token, image, label) =>
  request("POST", `${classPath(code)}/drawings`, { body: { image, label }, token });
/** `{drawings: [{id, student_id, name, label, predicted, probabilities, image, created}]}`. */
export const classDrawings = (code, token) => request("GET", `${classPath(code)}/drawings`, { token });
/** `{students, drawings, accuracy, confusion_matrix}` (intended label × predicted). */
export const classSummary = (code, token, signal) =>
  request("GET", `${classPath(code)}/summary`, { token, signal });
/** `{question, options}` or `{kind: "predict"}`. */
export const createPoll = (code, token, poll) =>
  request("POST", `${classPath(code)}/polls`, { body: poll, token });
export const answerPoll = (code, token, pollId, answer) =>
  request("POST", `${classPath(code)}/polls/${encodeURIComponent(pollId)}/answers`, { body: { answer }, token });
export const revealPoll = (code, token, pollId) =>
  request("POST", `${classPath(code)}/polls/${encodeURIComponent(pollId)}/reveal`, { token });
/** End the class: the server deletes its drawings, names and answers. */
export const endClass = (code, token) => request("DELETE", classPath(code), { token });

/**
 * Follow a class's events with a `ticket` (from classTicket). `handlers` maps event names
 * ("state", "poll", "drawing", ...) to `handler(data, seq)`; the server sends the events numbered
 * after `after` (and any at or below it are skipped), so a page that reconnects sees each once. The ticket
 * is single-use, so the browser's own reconnect (the same URL) would be refused: on any error the
 * stream is closed and `onLost(lastSeq)` called, for the caller to fetch a new ticket and follow
 * again after `lastSeq`. Returns a function that closes the stream.
 */
export function followClass(code, ticket, handlers, { after = 0, onLost } = {}) {
  // A new EventSource cannot send Last-Event-ID: the server resumes after `after` instead.
  const query = new URLSearchParams(after ? { ticket, after: String(after) } : { ticket });
  const source = new EventSource(`${classPath(code)}/events?${query}`);
  let last = after;
  for (const [name, handler] of Object.entries(handlers)) {
    source.addEventListener(name, (event) => {
      const seq = Number(event.lastEventId);
      if (Number.isFinite(seq) && seq <= last) return;
      if (Number.isFinite(seq)) last = seq;
      if (name === "ended") source.close();
      handler(event.data ? JSON.parse(event.data) : null, seq);
    });
  }
  source.onerror = () => {
    source.close();
    if (onLost) onLost(last);
  };
  return () => source.close();
}
