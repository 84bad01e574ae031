// The Draw view: draw a digit (mouse, touch or pen), watch the network's ten probabilities change
// while drawing, see the MNIST preprocessing steps the drawing goes through, or pick a real MNIST
// test digit from the gallery. The current input becomes `store.state.digit` for every view.
import * as api from "../api.js";
import { announce } from "../shell.js";
import { decodeArray, fromRows } from "../lib/arrays.js";
import { scaleFor } from "../lib/colour.js";
import { fixed, grouped, percent } from "../lib/format.js";
import { EXAMPLE_STROKES, densify } from "../lib/example.js";
import { heatmapCanvas, legend } from "../components/heatmap.js";
import { CANVAS_SIZE, DEFAULT_BRUSH, strokePath } from "../components/strokes.js";
import { el, isAbort, svg } from "../components/dom.js";

/** At most one prediction request per this many ms while a stroke is being drawn (the API's
 * benchmark models "one student drawing" as one request per 250 ms). */
export const PREDICT_INTERVAL_MS = 250;
/** Trailing debounce after a change before a prediction is requested. */
export const DEBOUNCE_MS = 60;
const MEASURE = "draw-to-probabilities";
const EXAMPLE_SHOWN = 3;
const GALLERY_SIZE = 24;

export function mount(root, store) {
  root.classList.add("draw-view");
  root.dataset.busy = "false";
  root.dataset.predictions = "0";

  // ---- Layout -------------------------------------------------------------------------------
  const canvas = el("canvas", {
    "data-draw-canvas": true,
    class: "draw-canvas",
    role: "img",
    "aria-label": "Drawing area, 280 by 280 pixels: draw a digit with the mouse, a finger or a pen",
    "aria-describedby": "draw-help",
  });
  const hint = el("p", { class: "draw-hint", "aria-hidden": "true", text: "Draw a digit here" });
  const pad = el("div", { class: "draw-pad" }, canvas, hint);

  const brush = el("input", {
    type: "range", min: "6", max: "40", step: "1", value: String(DEFAULT_BRUSH),
    "data-brush": true, id: "draw-brush",
  });
  const brushValue = el("output", { for: "draw-brush", class: "num", text: `${DEFAULT_BRUSH} px` });
  const undo = el("button", { type: "button", "data-undo": true, "aria-keyshortcuts": "Control+Z", title: "Undo the last stroke (Ctrl+Z)" }, "↶ Undo");
  const clear = el("button", { type: "button", "data-clear": true, title: "Clear the drawing" }, "✕ Clear");
  const tools = el("div", { class: "row draw-tools" },
    el("label", { class: "draw-brush" }, "Brush", brush, brushValue), undo, clear);

  const examples = el("div", { class: "row draw-examples", role: "group", "aria-label": "Try an example" },
    el("span", { class: "muted", text: "Try an example:" }),
    ...Object.keys(EXAMPLE_STROKES).map((d) =>
      el("button", { type: "button", "data-example": d, "aria-label": `Example digit ${d}` }, d)));
  const note = el("p", { class: "draw-note muted", "aria-live": "polite" });
  const help = el("p", { id: "draw-help", class: "sr-only",
    text: "Ctrl+Z undoes the last stroke. The probabilities update while you draw." });

  const drawPanel = el("section", { class: "panel draw-input", "aria-labelledby": "draw-title" },
    el("h2", { id: "draw-title", text: "Draw a digit" }), pad, tools, examples, note, help);

  // Probabilities
  const predicted = el("span", { "data-predicted": true, class: "draw-predicted num", text: "–" });
  const confidence = el("span", { class: "draw-confidence" });
  const status = el("p", { class: "draw-status muted" });
  const error = el("p", { class: "error", role: "alert", hidden: true });
  const sentence = el("p", { class: "sr-only" });
  const barList = el("ol", { class: "draw-bars", "aria-hidden": "true" });
  const bars = [];
  const resultPanel = el("section", { class: "panel draw-result", "aria-labelledby": "draw-result-title" },
    el("h2", { id: "draw-result-title", text: "The network reads" }),
    el("div", { class: "draw-verdict" }, predicted, confidence),
    sentence, barList, status, error);

  // Preprocessing steps
  const steps = el("div", { class: "draw-steps", "data-steps": true });
  const stepsPanel = el("section", { class: "panel draw-steps-panel", "aria-labelledby": "draw-steps-title" },
    el("h2", { id: "draw-steps-title", text: "What the network sees" }),
    el("p", { class: "muted", text: "A network trained on MNIST expects digits prepared the way MNIST's were: cropped to the ink, the longer side scaled to 20 pixels, then centred by its centre of mass in a 28×28 frame." }),
    steps);

  // Gallery
  const labelFilter = el("select", { id: "draw-gallery-label", "data-gallery-label": true },
    el("option", { value: "", text: "all digits" }),
    ...Array.from({ length: 10 }, (_, k) => el("option", { value: String(k), text: String(k) })));
  const more = el("button", { type: "button", "data-gallery-more": true }, "Other digits");
  const galleryStatus = el("p", { class: "muted draw-gallery-status" });
  const gallery = el("div", { class: "draw-gallery", "data-gallery": true, role: "group", "aria-label": "MNIST test digits" });
  const galleryTools = el("div", { class: "row" }, el("label", {}, "Label", labelFilter), more);
  const galleryPanel = el("section", { class: "panel draw-gallery-panel", "aria-labelledby": "draw-gallery-title" },
    el("h2", { id: "draw-gallery-title", text: "Or pick a real MNIST test digit" }),
    galleryTools, galleryStatus, gallery);

  const top = el("div", { class: "draw-top" }, drawPanel, resultPanel);
  root.replaceChildren(
    top,
    stepsPanel,
    galleryPanel,
  );

  // ---- Drawing state ------------------------------------------------------------------------
  let strokes = []; // [{points: [[x, y], ...], brush}]
  let base = null; // {pixels: 28×28 in [0, 1]} from the gallery, drawn under the strokes
  let placeholder = false; // the example shown until the user draws
  let current = null; // the stroke being drawn
  let drawing = false;
  let lastDigit = null; // the digit object this view last put in the store
  const context = canvas.getContext("2d");

  function sizeCanvas() {
    const ratio = Math.min(3, Math.max(1, window.devicePixelRatio || 1));
    const size = Math.round(CANVAS_SIZE * ratio);
    if (canvas.width !== size) {
      canvas.width = size;
      canvas.height = size;
    }
  }

  const baseCanvas = document.createElement("canvas");
  function paintBase() {
    if (!base || !base.pixels) return;
    baseCanvas.width = 28;
    baseCanvas.height = 28;
    const bctx = baseCanvas.getContext("2d");
    const image = bctx.createImageData(28, 28);
    base.pixels.forEach((row, r) => row.forEach((v, c) => {
      image.data.set([0, 0, 0, Math.round(v * 255)], (r * 28 + c) * 4);
    }));
    bctx.putImageData(image, 0, 0);
  }

  function redraw() {
    sizeCanvas();
    context.clearRect(0, 0, canvas.width, canvas.height);
    if (base) {
      context.imageSmoothingEnabled = true;
      context.imageSmoothingQuality = "high";
      context.drawImage(base.picture || baseCanvas, 0, 0, canvas.width, canvas.height);
    }
    for (const stroke of strokes) strokePath(context, stroke.points, stroke.brush);
    const empty = !base && !strokes.length;
    if (!base || !base.pixels) {
      for (const other of gallery.querySelectorAll("[aria-pressed]")) other.removeAttribute("aria-pressed");
    }
    pad.classList.toggle("is-empty", empty);
    undo.disabled = !strokes.length;
    clear.disabled = empty;
    note.textContent = placeholder
      ? `An example digit (${EXAMPLE_SHOWN}) is shown until you draw your own: start drawing to replace it.`
      : base && base.pixels && !strokes.length
        ? "An MNIST test digit, scaled up: draw over it to change it."
        : "";
  }

  /** The digit the canvas shows, as the API takes it (null when empty). */
  function canvasDigit() {
    if (base && !strokes.length) return base.pixels ? { pixels: base.pixels } : { image: base.image };
    if (!base && !strokes.length) return null;
    return { image: canvas.toDataURL("image/png") };
  }

  function publish() {
    const digit = placeholder ? null : canvasDigit();
    lastDigit = digit;
    store.set({ digit });
  }

  // ---- Pointer input ------------------------------------------------------------------------
  function point(event) {
    const rect = canvas.getBoundingClientRect();
    return [
      ((event.clientX - rect.left) * CANVAS_SIZE) / rect.width,
      ((event.clientY - rect.top) * CANVAS_SIZE) / rect.height,
    ];
  }

  canvas.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse" && event.button !== 0) return;
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    if (placeholder) {
      placeholder = false;
      strokes = [];
    }
    drawing = true;
    current = { points: [point(event)], brush: Number(brush.value), pointerId: event.pointerId };
    strokes.push(current);
    redraw();
    schedule();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing || !current || event.pointerId !== current.pointerId) return;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    for (const e of events.length ? events : [event]) current.points.push(point(e));
    redraw();
    schedule();
  });
  function endStroke(event) {
    if (!drawing || !current || event.pointerId !== current.pointerId) return;
    drawing = false;
    delete current.pointerId;
    current = null;
    publish();
    schedule();
  }
  canvas.addEventListener("pointerup", endStroke);
  canvas.addEventListener("pointercancel", endStroke);
  canvas.addEventListener("lostpointercapture", endStroke);

  brush.addEventListener("input", () => { brushValue.textContent = `${brush.value} px`; });

  function doUndo() {
    if (!strokes.length || drawing) return;
    strokes.pop();
    placeholder = placeholder && strokes.length > 0;
    redraw();
    publish();
    changed();
    announce(strokes.length ? "Last stroke undone" : "Last stroke undone; the drawing is empty");
  }
  function doClear() {
    strokes = [];
    base = null;
    placeholder = false;
    redraw();
    publish();
    changed();
    announce("Drawing cleared");
  }
  function showExample(d, { asPlaceholder = false } = {}) {
    base = null;
    placeholder = asPlaceholder;
    strokes = EXAMPLE_STROKES[d].map((s) => ({ points: densify(s), brush: DEFAULT_BRUSH }));
    redraw();
    publish();
    changed();
  }
  undo.addEventListener("click", doUndo);
  clear.addEventListener("click", doClear);
  examples.addEventListener("click", (event) => {
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

  // ---- Predictions --------------------------------------------------------------------------
  let timer = null;
  let lastSent = -Infinity;
  let controller = null;
  let sequence = 0;
  let completed = 0;

  /** The drawing changed: request a prediction (debounced; throttled while a stroke is drawn). */
  function schedule() {
    if (drawing) {
      if (timer) return; // already due: throttle, do not postpone
      const wait = Math.max(DEBOUNCE_MS, lastSent + PREDICT_INTERVAL_MS - performance.now());
      timer = setTimeout(fire, wait);
    } else {
      clearTimeout(timer);
      timer = setTimeout(fire, DEBOUNCE_MS);
    }
  }

  /** A change that is not a stroke (undo, clear, example, gallery, model): no throttling. */
  function changed() {
    clearTimeout(timer);
    timer = null;
    if (!canvasDigit()) {
      if (controller) controller.abort();
      controller = null;
      root.dataset.busy = "false";
      showEmpty();
      return;
    }
    timer = setTimeout(fire, DEBOUNCE_MS);
  }

  function fire() {
    timer = null;
    const digit = canvasDigit();
    if (!digit) { showEmpty(); return; }
    send(digit);
  }

  async function send(digit) {
    const model = store.state.model;
    if (!model) {
      status.textContent = "Waiting for the model list…";
      return;
    }
    if (controller) controller.abort(); // the answer to an older drawing is stale
    const mine = new AbortController();
    controller = mine;
    const id = (sequence += 1);
    const start = `draw-send-${id}`;
    const end = `draw-done-${id}`;
    performance.mark(start);
    lastSent = performance.now();
    root.dataset.busy = "true";
    try {
      const answer = await api.predict(model, digit, mine.signal);
      if (mine.signal.aborted) return;
      error.hidden = true;
      renderResult(answer);
      performance.mark(end);
      performance.measure(MEASURE, start, end);
      completed += 1;
      root.dataset.predictions = String(completed);
      if (!drawing) announce(sentence.textContent);
    } catch (failure) {
      if (isAbort(failure) || mine.signal.aborted) return;
      error.hidden = false;
      error.textContent = `The prediction failed: ${failure.message}`;
      status.textContent = "";
    } finally {
      performance.clearMarks(start);
      performance.clearMarks(end);
      if (controller === mine) {
        controller = null;
        root.dataset.busy = "false";
      }
    }
  }

  // ---- Bars ---------------------------------------------------------------------------------
  function ensureBars(classes) {
    if (bars.length === classes.length && bars.every((b, k) => b.name.textContent === classes[k])) return;
    bars.length = 0;
    barList.replaceChildren(...classes.map((name, k) => {
      const label = el("span", { class: "draw-bar-label num", text: name });
      const fill = el("span", { class: "draw-bar-fill" });
      const value = el("span", { class: "draw-bar-value num" });
      const track = el("span", { class: "draw-bar-track" }, fill, value);
      const item = el("li", { class: "draw-bar", "data-prob": String(k), "data-value": "" }, label, track);
      bars.push({ item, name: label, fill, value });
      return item;
    }));
  }
  ensureBars(Array.from({ length: 10 }, (_, k) => String(k)));

  function renderResult(answer) {
    const { probabilities, classes, index, label } = answer;
    ensureBars(classes);
    const order = probabilities.map((p, k) => k).sort((a, b) => probabilities[b] - probabilities[a]);
    probabilities.forEach((p, k) => {
      const bar = bars[k];
      bar.item.dataset.value = String(p);
      bar.item.classList.toggle("is-top", k === index);
      bar.item.classList.toggle("is-wide", p >= 0.2);
      bar.fill.style.width = `${Math.max(0, Math.min(1, p)) * 100}%`;
      bar.value.textContent = percent(p, 1);
    });
    predicted.textContent = label;
    resultPanel.classList.remove("is-empty");
    confidence.textContent = `${percent(probabilities[index], 1)} sure`;
    const next = order.find((k) => k !== index);
    sentence.textContent = `The network reads ${label} with ${percent(probabilities[index], 1)} confidence` +
      (next === undefined ? "." : `; next ${classes[next]} at ${percent(probabilities[next], 1)}.`);
    const model = (store.state.models || []).find((m) => m.id === store.state.model);
    status.textContent = model ? `Model: ${model.name}` : "";
    renderSteps(answer);
  }

  function showEmpty() {
    for (const bar of bars) {
      bar.item.dataset.value = "";
      bar.item.classList.remove("is-top", "is-wide");
      bar.fill.style.width = "0%";
      bar.value.textContent = "";
    }
    predicted.textContent = "–";
    confidence.textContent = "Draw a digit to see what the network reads";
    sentence.textContent = "Nothing drawn yet.";
    resultPanel.classList.add("is-empty");
    error.hidden = true;
    status.textContent = "";
    steps.replaceChildren(el("p", { class: "muted", text: "The steps appear when there is a digit to read." }));
  }

  // ---- Preprocessing steps ------------------------------------------------------------------
  const unit = scaleFor([0, 1]);

  function figure(map, label, caption, overlay, size) {
    const picture = heatmapCanvas(map, { size, label, scale: unit });
    picture.style.width = "100%";
    picture.style.height = "100%";
    const frame = el("div", { class: "draw-step-image" }, picture);
    frame.style.aspectRatio = `${map.width} / ${map.height}`;
    if (overlay) frame.append(overlay);
    return el("figure", { class: "draw-step" }, frame, el("figcaption", {}, ...caption));
  }

  function renderSteps(answer) {
    const items = [];
    const input = fromRows(answer.input);
    const pre = answer.preprocessing;
    if (pre) {
      const ink = fromRows(pre.ink);
      const [x0, y0, x1, y1] = pre.bbox;
      const s = pre.ink_scale;
      const box = svg("svg", { viewBox: `0 0 ${ink.width} ${ink.height}`, class: "draw-overlay", "aria-hidden": "true", preserveAspectRatio: "none" });
      box.append(svg("rect", {
        x: x0 * s, y: y0 * s, width: (x1 - x0) * s, height: (y1 - y0) * s,
        class: "draw-bbox", "vector-effect": "non-scaling-stroke",
      }));
      const [h, w] = pre.ink_size;
      items.push(figure(ink, "Step 1, the ink with its bounding box:", [
        el("strong", { text: "1. Find the ink. " }),
        `Your ${grouped(w)}×${grouped(h)} drawing as ink (1) on background (0)`,
        pre.inverted ? ", dark ink on a light background turned around" : "",
        `. The orange box (${grouped(x1 - x0)}×${grouped(y1 - y0)} px) is kept; the rest is cropped away.`,
      ], box));
      const scaled = fromRows(pre.scaled);
      items.push(figure(scaled, "Step 2, scaled to 20 by 20:", [
        el("strong", { text: "2. Scale to 20×20. " }),
        "The box's longer side becomes 20 pixels, keeping its shape; each pixel averages the ink it covers, so edges turn grey.",
      ]));
      const [cy, cx] = pre.center_of_mass;
      const [dy, dx] = pre.shift;
      const marks = svg("svg", { viewBox: "0 0 28 28", class: "draw-overlay", "aria-hidden": "true" });
      const fx = cx + dx + 0.5;
      const fy = cy + dy + 0.5;
      marks.append(
        svg("line", { x1: cx + 0.5, y1: cy + 0.5, x2: fx, y2: fy, class: "draw-shift", "vector-effect": "non-scaling-stroke" }),
        svg("circle", { cx: cx + 0.5, cy: cy + 0.5, r: 0.6, class: "draw-com-before" }),
        svg("line", { x1: fx - 1.4, y1: fy, x2: fx + 1.4, y2: fy, class: "draw-com", "vector-effect": "non-scaling-stroke" }),
        svg("line", { x1: fx, y1: fy - 1.4, x2: fx, y2: fy + 1.4, class: "draw-com", "vector-effect": "non-scaling-stroke" }),
      );
      items.push(figure(input, "Step 3, the 28 by 28 input the network sees:", [
        el("strong", { text: "3. Centre in 28×28. " }),
        `Placed in the middle of a 28×28 frame, then moved by (${fixed(dy, 2)}, ${fixed(dx, 2)}) px (rows, columns) so the centre of mass (+) lands on (14, 14). This is what the network sees.`,
      ], marks));
    } else {
      items.push(figure(input, "The 28 by 28 input the network sees:", [
        el("strong", { text: "Already prepared. " }),
        "MNIST's test digits are already cropped, scaled to 20 px and centred in 28×28: the network reads them as they are.",
      ]));
    }
    steps.replaceChildren(...items, el("div", { class: "draw-steps-legend" }, legend(unit, "ink: 0 = background, 1 = full ink")));
  }

  // ---- Gallery ------------------------------------------------------------------------------
  let galleryController = null;

  async function loadGallery() {
    if (galleryController) galleryController.abort();
    const mine = new AbortController();
    galleryController = mine;
    galleryStatus.textContent = "Loading MNIST test digits…";
    try {
      const datasets = await api.listDatasets();
      if (mine.signal.aborted) return;
      const mnist = datasets.find((d) => d.name === "mnist");
      const test = mnist && mnist.splits && mnist.splits.test;
      if (!test || !test.present) {
        galleryTools.hidden = true;
        gallery.replaceChildren();
        galleryStatus.replaceChildren(
          "The MNIST test set is not on this computer, so there are no real digits to pick. Download it with ",
          el("code", { text: "cnnviz data download mnist" }), " and reload the page.");
        return;
      }
      galleryTools.hidden = false;
      const label = labelFilter.value === "" ? null : Number(labelFilter.value);
      const answer = await api.samples("mnist", { split: "test", n: GALLERY_SIZE, label });
      if (mine.signal.aborted) return;
      renderGallery(answer);
    } catch (failure) {
      if (isAbort(failure) || mine.signal.aborted) return;
      galleryStatus.replaceChildren(el("span", { class: "error", text: `The MNIST digits could not be loaded: ${failure.message}` }));
    }
  }

  function renderGallery(answer) {
    const images = decodeArray(answer.images);
    const [n, h, w] = images.shape;
    const buttons = [];
    for (let i = 0; i < n; i += 1) {
      const grey = images.data.subarray(i * h * w, (i + 1) * h * w);
      const thumb = document.createElement("canvas");
      thumb.width = w;
      thumb.height = h;
      thumb.className = "map";
      const tctx = thumb.getContext("2d");
      const image = tctx.createImageData(w, h);
      for (let j = 0; j < h * w; j += 1) {
        const v = 255 - grey[j];
        image.data.set([v, v, v, 255], j * 4);
      }
      tctx.putImageData(image, 0, 0);
      thumb.setAttribute("aria-hidden", "true");
      const label = answer.labels[i];
      const index = answer.indices[i];
      const button = el("button", {
        type: "button", class: "draw-sample", "data-sample": String(index), "data-label": String(label),
        "aria-label": `test digit, label ${label}`, title: `Test image #${index}, label ${label}`,
      }, thumb, el("span", { class: "num", "aria-hidden": "true", text: String(label) }));
      button.addEventListener("click", () => pickSample(grey, h, w, label, button));
      buttons.push(button);
    }
    gallery.replaceChildren(...buttons);
    const which = answer.label === null || answer.label === undefined ? "" : ` labelled ${answer.label}`;
    galleryStatus.textContent = `${n} of the ${grouped(answer.total)} test digits${which}. Click one to make it the input.`;
  }

  function pickSample(grey, h, w, label, button) {
    const pixels = [];
    for (let r = 0; r < h; r += 1) {
      const row = [];
      for (let c = 0; c < w; c += 1) row.push(Math.round((grey[r * w + c] / 255) * 10000) / 10000);
      pixels.push(row);
    }
    base = { pixels };
    strokes = [];
    placeholder = false;
    paintBase();
    redraw();
    for (const other of gallery.querySelectorAll("[aria-pressed]")) other.removeAttribute("aria-pressed");
    button.setAttribute("aria-pressed", "true");
    publish();
    changed();
    announce(`MNIST test digit labelled ${label} is the input`);
    if (top.getBoundingClientRect().bottom < 80) {
      const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      top.scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
    }
  }

  labelFilter.addEventListener("change", loadGallery);
  more.addEventListener("click", loadGallery);

  // ---- Store --------------------------------------------------------------------------------
  store.watch(["model"], () => { if (canvasDigit()) changed(); });
  store.watch(["digit"], (state) => {
    if (state.digit === lastDigit) return; // our own change
    // Another view chose the input: show it here.
    lastDigit = state.digit;
    strokes = [];
    base = null;
    placeholder = false;
    if (state.digit && state.digit.pixels) {
      base = { pixels: state.digit.pixels };
      paintBase();
      redraw();
      changed();
    } else if (state.digit && state.digit.image) {
      loadImage(state.digit.image);
    } else {
      redraw();
      changed();
    }
  });

  function loadImage(url) {
    const picture = new Image();
    picture.onload = () => {
      base = { image: url, picture };
      strokes = [];
      placeholder = false;
      redraw();
      changed();
    };
    picture.src = url;
  }

  // ---- Start --------------------------------------------------------------------------------
  showEmpty();
  const start = store.state.digit;
  if (start && start.pixels) {
    lastDigit = start;
    base = { pixels: start.pixels };
    paintBase();
    redraw();
    changed();
  } else if (start && start.image) {
    lastDigit = start;
    loadImage(start.image);
  } else {
    showExample(EXAMPLE_SHOWN, { asPlaceholder: true });
  }
  window.addEventListener("resize", () => { if (!drawing) redraw(); });
  loadGallery();
}
