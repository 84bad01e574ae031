// The Sandbox view: a signal or a small matrix typed by hand through a convolution, a max pool or
// an average pool, forward and backward. The form writes the link's sb* keys; the link's keys
// are read into a request (lib/sandbox.js) and every number shown is the server's answer
// (POST /api/sandbox). The course's examples come from the server (GET /api/sandbox/examples) as
// request bodies; a click writes one as link keys, and a link without sandbox keys opens on the
// first.
import * as api from "../api.js";
import { requestFromState, SANDBOX_KEYS, sandboxPatch, stateFromRequest } from "../lib/sandbox.js";
import { latestOnly } from "../lib/scheduler.js";
import { el, isAbort, showErrorIn } from "../components/dom.js";
import { sandboxForm } from "./sandbox/form.js";
import { renderForward } from "./sandbox/forward.js";
import { renderBackward } from "./sandbox/backward.js";

const EDIT_DELAY_MS = 250;

export async function mount(root, store) {
  const error = el("p", { class: "error", role: "alert", "data-sb-error": true, hidden: true });
  const results = el("section", { class: "panel sb-results", "data-sb-results": true, "aria-label": "The server's answer", hidden: true });
  let timer = 0;
  let written = null; // the link keys the form last wrote: their change needs no refill
  let asked = null; // the body of the last request sent
  const latest = latestOnly();
  let opening = {}; // the first example's body: what a link without sandbox keys shows

  const form = sandboxForm(() => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const patch = form.read();
      written = JSON.stringify(sandboxPatch(patch));
      store.set(patch);
    }, EDIT_DELAY_MS);
  });
  const examples = el("div", { class: "sb-examples", role: "group", "aria-label": "Examples from the course" });
  const exampleButton = (example) => {
    const button = el("button", { type: "button", "data-sb-example": example.name, title: example.note, text: example.title });
    button.addEventListener("click", () => store.set(sandboxPatch(stateFromRequest(example.request))));
    return button;
  };

  root.replaceChildren(
    el("h2", { text: "Sandbox: convolution and pooling by hand" }),
    el("p", { class: "muted" }, "Type a signal or a small matrix (up to 32×32), a kernel (up to 7×7) or a pool size, how the window slides, and an upstream gradient if you like. The server computes the output, every window and the backward pass; hover or tap an output cell to see how it was made."),
    el("div", { class: "sb-example-row" }, el("span", { class: "muted", text: "Examples:" }), examples),
    el("section", { class: "panel", "aria-label": "What to compute" }, form.node, error),
    results);

  async function refresh(state) {
    const { body, error: wrong } = requestFromState(state, opening);
    const linked = JSON.stringify(sandboxPatch(state));
    if (body && linked !== written) form.fill(body, opening);
    written = linked;
    if (wrong) {
      latest.abort();
      asked = null;
      showErrorIn(error, new Error(wrong));
      return;
    }
    const key = JSON.stringify(body);
    if (key === asked) return;
    asked = key;
    root.dataset.busy = "true";
    const controller = latest.start();
    try {
      const answer = await api.runSandbox(body, controller.signal);
      showErrorIn(error, null);
      results.replaceChildren(renderForward(answer).node, renderBackward(answer));
      results.hidden = false;
      root.dataset.answers = String(Number(root.dataset.answers || 0) + 1);
    } catch (failure) {
      if (isAbort(failure)) return;
      showErrorIn(error, failure);
      results.hidden = true;
    } finally {
      if (latest.finish(controller)) root.dataset.busy = "false";
    }
  }

  try {
    const course = await api.sandboxExamples();
    opening = course[0]?.request ?? {};
    examples.replaceChildren(...course.map(exampleButton));
  } catch (failure) {
    showErrorIn(error, failure);
  }
  store.watch([...SANDBOX_KEYS, "tab"], (state) => {
    if (state.tab === "sandbox") refresh(state);
  });
  return refresh(store.state);
}
