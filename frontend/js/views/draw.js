// The Draw view: draw a digit (mouse, touch or pen), watch the network's ten probabilities change
// while drawing, see the MNIST preprocessing steps the drawing goes through, or pick a real MNIST
// test digit from the gallery. The current input becomes `store.state.digit` for every view, and
// its code (from the prediction's answer) the link's `input`; a link's input is shown here as a
// 28×28 picture, like a gallery digit.
// This module holds the frame, the predictions and the wiring; each panel is drawn by a module in
// views/draw/.
import * as api from "../api.js";
import { announce, linkInput } from "../shell.js";
import { latestOnly, throttledRequests } from "../lib/scheduler.js";
import { el, isAbort } from "../components/dom.js";
import { EXAMPLE_SHOWN, drawPad } from "./draw/pad.js";
import { resultPanel } from "./draw/result.js";
import { stepsPanel } from "./draw/steps.js";
import { galleryPanel } from "./draw/gallery.js";
import { photoPanel } from "./draw/photo.js";

/** At most one prediction request per this many ms while a stroke is being drawn (the API's
 * benchmark models "one student drawing" as one request per 250 ms). */
export const PREDICT_INTERVAL_MS = 250;
/** Trailing debounce after a change before a prediction is requested. */
export const DEBOUNCE_MS = 60;
const MEASURE = "draw-to-probabilities";

/** Resolves in a new task (after the browser may have painted). */
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

export function mount(root, store) {
  root.classList.add("draw-view");
  root.dataset.busy = "false";
  root.dataset.predictions = "0";

  // ---- the panels (views/draw/) ----
  const gallery = galleryPanel({ onPick: pickSample });
  const pad = drawPad({
    unpress: gallery.unpress,
    onStroke: (drawing) => pace.change(drawing),
    onStrokeEnd: () => { publish(); pace.change(pad.drawing); },
  });
  const result = resultPanel();
  const steps = stepsPanel();
  const photo = photoPanel({ dropTarget: pad.panel, visible: () => !root.hidden, onPhoto: usePhoto });
  pad.examples.after(photo.node);
  const top = el("div", { class: "draw-top" }, pad.panel, result.panel);
  root.replaceChildren(top, steps.panel, gallery.panel);

  let lastDigit = null; // the digit object this view last put in the store
  let photoAnswer = null; // the prediction of the photo whose 28×28 the pad shows

  /** Forget the photo once the pad shows something else. */
  function photoGone(digit) {
    if (!photoAnswer || (digit && digit.code === photoAnswer.code)) return;
    photoAnswer = null;
    photo.forget();
  }

  /** The pad's digit becomes every view's; a new one's link input waits for its code (from its
   * prediction, or a trace another view asks for). */
  function publish() {
    const digit = pad.placeholder ? null : pad.digit();
    lastDigit = digit;
    photoGone(digit);
    if (digit !== store.state.digit) store.set({ digit, input: null });
  }

  /** A photo chosen (`file`, sent as its own bytes): read by the server as `cnnviz predict`
   * reads a file; its 28×28 then replaces the pad's digit, as a link's does, in every view. */
  function usePhoto(file) {
    pace.cancel();
    send({}, file);
  }
  function adoptPhoto(file, answer) {
    photoAnswer = answer;
    photo.show(file, answer);
    pad.showCode(answer.code, "photo");
    pad.paintCode(answer.code, answer.input);
    lastDigit = { code: answer.code };
    store.set({ digit: lastDigit, input: answer.code });
    announce(`Your photo is the input: ${result.sentence}`);
  }

  // ---- the pad's buttons ----
  function doUndo() {
    if (!pad.undo()) return;
    publish();
    changed();
    announce(pad.strokeCount ? "Last stroke undone" : "Last stroke undone; the drawing is empty");
  }
  function doClear() {
    pad.clear();
    publish();
    changed();
    announce("Drawing cleared");
  }
  function showExample(d, options) {
    pad.example(d, options);
    publish();
    changed();
  }
  pad.undoButton.addEventListener("click", doUndo);
  pad.clearButton.addEventListener("click", doClear);
  pad.examples.addEventListener("click", (event) => {
    const button = event.target.closest("[data-example]");
    if (!button) return;
    showExample(button.dataset.example);
    announce(`Example digit ${button.dataset.example} drawn`);
  });
  document.addEventListener("keydown", (event) => {
    if (root.hidden || !(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== "z" || event.shiftKey) return;
    const tag = event.target && event.target.tagName;
    if (tag === "INPUT" && event.target.type !== "range") return;
    if (tag === "TEXTAREA") return;
    event.preventDefault();
    doUndo();
  });

  // ---- predictions ----
  const pace = throttledRequests(fire, { interval: PREDICT_INTERVAL_MS, debounce: DEBOUNCE_MS });
  const latest = latestOnly(); // the answer to an older drawing is stale
  let sequence = 0;
  let completed = 0;

  function showEmpty() {
    result.empty();
    steps.empty();
  }

  /** A change that is not a stroke (undo, clear, example, gallery, model): no throttling. */
  function changed() {
    pace.cancel();
    if (!pad.digit()) {
      latest.abort();
      root.dataset.busy = "false";
      showEmpty();
      return;
    }
    pace.soon();
  }

  function fire() {
    const digit = pad.digit();
    if (!digit) { showEmpty(); return; }
    send(digit);
  }

  /** Predict `digit`; `file` when it is a photo just chosen (its refusal goes beside the photo
   * button, its answer becomes the pad's digit). */
  async function send(digit, file = null) {
    const model = store.state.model;
    if (!model) {
      result.waiting();
      return;
    }
    const mine = latest.start();
    const id = (sequence += 1);
    const start = `draw-send-${id}`;
    const end = `draw-done-${id}`;
    performance.mark(start);
    pace.sent();
    root.dataset.busy = "true";
    try {
      const answer = await (file ? api.predictPhoto(model, file, mine.signal) : api.predict(model, digit, mine.signal));
      if (mine.signal.aborted) return;
      const info = (store.state.models || []).find((m) => m.id === store.state.model);
      result.render(answer, info);
      performance.mark(end);
      performance.measure(MEASURE, start, end);
      // The rest (the link, the preparation's steps, every view watching the input) waits for
      // the next task, so the browser can paint the probabilities first.
      await nextTask();
      if (mine.signal.aborted) return;
      if (!file) linkInput(digit, answer);
      if (digit.code) pad.paintCode(digit.code, answer.input);
      // a photo's preparation does not depend on the model: its steps stay on a model change
      const photoSteps = photoAnswer && digit.code === photoAnswer.code;
      steps.render(photoSteps ? photoAnswer : answer, digit.code ? "link" : "gallery");
      if (file) adoptPhoto(file, answer);
      completed += 1;
      root.dataset.predictions = String(completed);
      if (!pad.drawing && !file) announce(result.sentence);
    } catch (failure) {
      if (isAbort(failure) || mine.signal.aborted) return;
      if (file) photo.fail(`This photo cannot be read: ${failure.message}`);
      else result.fail(`The prediction failed: ${failure.message}`);
    } finally {
      performance.clearMarks(start);
      performance.clearMarks(end);
      if (latest.finish(mine)) root.dataset.busy = "false";
    }
  }

  // ---- the gallery ----
  function pickSample(pixels, label, mark) {
    pad.showPixels(pixels);
    mark();
    publish();
    changed();
    announce(`MNIST test digit labelled ${label} is the input`);
    if (top.getBoundingClientRect().bottom < 80) {
      const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      top.scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
    }
  }

  // ---- the store ----
  /** Show `digit` (chosen in another view, or in the URL at start) without publishing it. */
  function showDigit(digit) {
    lastDigit = digit;
    photoGone(digit);
    pad.reset();
    if (digit && digit.pixels) {
      pad.showPixels(digit.pixels);
      changed();
    } else if (digit && digit.code) {
      pad.showCode(digit.code); // painted when its prediction answers with the pixels
      changed();
    } else if (digit && digit.image) {
      pad.loadImage(digit.image, changed);
    } else {
      pad.redraw();
      changed();
    }
  }
  store.watch(["model"], () => { if (pad.digit()) changed(); });
  store.watch(["digit"], (state) => {
    if (state.digit === lastDigit) return; // our own change
    showDigit(state.digit); // another view chose the input: show it here
  });

  // ---- start ----
  showEmpty();
  const first = store.state.digit;
  if (first && (first.pixels || first.image || first.code)) showDigit(first);
  else showExample(EXAMPLE_SHOWN, { asPlaceholder: true });
  gallery.load();
}
