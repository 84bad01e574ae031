// The Draw view's pad: the 280×280 canvas and what it shows (strokes drawn with a mouse, a finger
// or a pen, over a gallery digit, a link's digit or a picture chosen in another view), the brush,
// undo, clear and the example digits.
import { EXAMPLE_STROKES, densify } from "../../lib/example.js";
import { CANVAS_SIZE, DEFAULT_BRUSH, strokePath } from "../../components/strokes.js";
import { el } from "../../components/dom.js";

/** The example digit shown until the user draws. */
export const EXAMPLE_SHOWN = 3;

/**
 * The pad panel. `unpress()` clears the gallery's chosen digit when the pad no longer shows one;
 * `onStroke(drawing)` is told of every pointer change of a stroke, `onStrokeEnd()` of its end.
 * Returns { panel, undoButton, clearButton, examples, ...the drawing's methods }.
 */
export function drawPad({ unpress, onStroke, onStrokeEnd }) {
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

  const panel = el("section", { class: "panel draw-input", "aria-labelledby": "draw-title" },
    el("h2", { id: "draw-title", text: "Draw a digit" }), pad, tools, examples, note, help);

  // ---- what the pad shows ----
  let strokes = []; // [{points: [[x, y], ...], brush}]
  // Under the strokes: {pixels: 28×28 in [0, 1]} from the gallery, {code, pixels} a link's digit
  // (its pixels once the API has answered), or {image, picture}.
  let base = null;
  let placeholder = false; // the example shown until the user draws
  let current = null; // the stroke being drawn
  let drawing = false;
  const context = canvas.getContext("2d");

  function sizeCanvas() {
    // device pixels per CSS pixel, times presentation mode's zoom, so the pad stays sharp there
    const zoom = canvas.currentCSSZoom || 1;
    const ratio = Math.min(3, Math.max(1, (window.devicePixelRatio || 1) * zoom));
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
    if (base && (base.picture || base.pixels)) {
      context.imageSmoothingEnabled = true;
      context.imageSmoothingQuality = "high";
      context.drawImage(base.picture || baseCanvas, 0, 0, canvas.width, canvas.height);
    }
    for (const stroke of strokes) strokePath(context, stroke.points, stroke.brush);
    const empty = !base && !strokes.length;
    if (!base || !base.pixels || base.code) unpress();
    pad.classList.toggle("is-empty", empty);
    undo.disabled = !strokes.length;
    clear.disabled = empty;
    const text = placeholder
      ? `An example digit (${EXAMPLE_SHOWN}) is shown until you draw your own: start drawing to replace it.`
      : base && base.code && !strokes.length
        ? base.origin === "photo"
          ? "Your photo, prepared as the network sees it (28×28, scaled up): draw over it to change it."
          : "The digit from the link, as the network saw it, scaled up: draw over it to change it."
        : base && base.pixels && !strokes.length
          ? "An MNIST test digit, scaled up: draw over it to change it."
          : "";
    // redraw runs on every pointer move: an unchanged note must not lay the page out again
    if (note.textContent !== text) note.textContent = text;
  }

  // ---- pointer input ----
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
    onStroke(drawing);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing || !current || event.pointerId !== current.pointerId) return;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    for (const e of events.length ? events : [event]) current.points.push(point(e));
    redraw();
    onStroke(drawing);
  });
  function endStroke(event) {
    if (!drawing || !current || event.pointerId !== current.pointerId) return;
    drawing = false;
    delete current.pointerId;
    current = null;
    onStrokeEnd();
  }
  canvas.addEventListener("pointerup", endStroke);
  canvas.addEventListener("pointercancel", endStroke);
  canvas.addEventListener("lostpointercapture", endStroke);

  brush.addEventListener("input", () => { brushValue.textContent = `${brush.value} px`; });
  window.addEventListener("resize", () => { if (!drawing) redraw(); });

  return {
    panel, undoButton: undo, clearButton: clear, examples,
    get drawing() { return drawing; },
    get placeholder() { return placeholder; },
    get strokeCount() { return strokes.length; },
    redraw,

    /** The digit the canvas shows, as the API takes it (null when empty). */
    digit() {
      if (base && !strokes.length) {
        if (base.code) return { code: base.code };
        return base.pixels ? { pixels: base.pixels } : { image: base.image };
      }
      if (!base && !strokes.length) return null;
      return { image: canvas.toDataURL("image/png") };
    },
    /** Take back the last stroke (not while drawing); false when there was none to take. */
    undo() {
      if (!strokes.length || drawing) return false;
      strokes.pop();
      placeholder = placeholder && strokes.length > 0;
      redraw();
      return true;
    },
    /** Nothing on the pad, not redrawn yet. */
    reset() {
      strokes = [];
      base = null;
      placeholder = false;
    },
    clear() {
      this.reset();
      redraw();
    },
    /** The example digit `d`'s strokes, as the placeholder (replaced by the first stroke) or not. */
    example(d, { asPlaceholder = false } = {}) {
      base = null;
      placeholder = asPlaceholder;
      strokes = EXAMPLE_STROKES[d].map((s) => ({ points: densify(s), brush: DEFAULT_BRUSH }));
      redraw();
    },
    /** A 28×28 digit (rows of values in [0, 1]) under no strokes. */
    showPixels(pixels) {
      base = { pixels };
      strokes = [];
      placeholder = false;
      paintBase();
      redraw();
    },
    /** A link's digit (`origin` "link") or a photo's ("photo"): its input `code`, shown once
     * `paintCode` gives its pixels. */
    showCode(code, origin = "link") {
      base = { code, pixels: null, origin };
      strokes = [];
      placeholder = false;
      redraw();
    },
    /** The 28×28 `pixels` the API answered for `code`, if the pad still shows that code. */
    paintCode(code, pixels) {
      if (!base || base.code !== code || base.pixels) return;
      base.pixels = pixels;
      paintBase();
      redraw();
    },
    /** The picture at `url` (a data URL) under no strokes, once loaded; then `loaded()`. */
    loadImage(url, loaded) {
      const picture = new Image();
      picture.onload = () => {
        base = { image: url, picture };
        strokes = [];
        placeholder = false;
        redraw();
        loaded();
      };
      picture.src = url;
    },
  };
}
