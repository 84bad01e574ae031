// The playground under the stepper: any kernel from 1×1 to 7×7 (a preset from the catalogue's
// named kernels or typed number by number), slid over the user's drawing resized to any input
// size, with stride, padding (valid/same/full/a number) and dilation, flipped or not. Every
// number shown — the output, its size, the formula per axis, the windows — is the server's
// answer (POST /api/conv/apply); the link keeps the kernel (`kernel`) and the settings
// (`playground`).
import * as api from "../api.js";
import { catalogue } from "../shell.js";
import {
  formatKernel, formatPlayground, MAX_KERNEL_SIDE, parseKernel, parsePlayground,
} from "../lib/stepper.js";
import { latestOnly } from "../lib/scheduler.js";
import { el, isAbort, showErrorIn } from "../components/dom.js";
import { kernelEditor } from "./stepper/kernelgrid.js";
import { renderFormula, renderSlide, slideSection } from "./stepper/slide.js";
import { photoKernels } from "./stepper/photo.js";

const DEFAULT_KERNEL = "sobel_x";
const EDIT_DELAY_MS = 200;

/** A labelled whole-number field. */
const numberField = (hook, min, max, value) => el("input", {
  type: "number", [hook]: true, min: String(min), max: String(max), step: "1", value: String(value), inputmode: "numeric",
});

/**
 * Fill `panel` with the playground. `drawing()` returns the 28×28 rows the network sees (or null
 * before the first trace). Returns `{update}`: call it when the drawing changes.
 */
export function mountPlayground(panel, store, drawing) {
  const pg = {
    size: numberField("data-pg-size", 3, 64, 28),
    rows: numberField("data-pg-rows", 1, MAX_KERNEL_SIDE, 3),
    cols: numberField("data-pg-cols", 1, MAX_KERNEL_SIDE, 3),
    stride: numberField("data-pg-stride", 1, 8, 1),
    padding: el("select", { "data-pg-padding": true },
      el("option", { value: "valid" }, "valid (0)"), el("option", { value: "same" }, "same"),
      el("option", { value: "full" }, "full"), el("option", { value: "number" }, "a number…")),
    padnum: numberField("data-pg-padnum", 0, 32, 1),
    dilation: numberField("data-pg-dilation", 1, 8, 1),
    preset: el("select", { "data-kernel": true }),
    flip: el("input", { type: "checkbox", "data-flip": true }),
    description: el("p", { class: "muted small", "data-kernel-description": true }),
    error: el("p", { class: "error", "data-pg-error": true, role: "alert", hidden: true }),
  };
  const padnumLabel = el("label", { "data-pg-padnum-label": true, hidden: true }, "Padding p ", pg.padnum);
  const editor = kernelEditor(() => { pg.preset.value = "custom"; describe(); schedule(); });
  const slide = slideSection();
  const photo = photoKernels({
    playgroundKernel: () => editor.values(),
    visible: () => !panel.closest("[data-view]")?.hidden,
  });
  panel.replaceChildren(
    el("h2", {}, "Playground: any kernel on your drawing"),
    el("p", { class: "muted" }, "Pick or type a kernel up to 7×7 and how it slides; the server slides it over your drawing, resized to the input size, and answers every number below."),
    el("div", { class: "pg-controls" },
      el("label", {}, "Input size ", pg.size),
      el("label", {}, "Kernel rows ", pg.rows), el("label", {}, "columns ", pg.cols),
      el("label", {}, "Stride ", pg.stride),
      el("label", {}, "Padding ", pg.padding), padnumLabel,
      el("label", {}, "Dilation ", pg.dilation)),
    el("div", { class: "row" },
      el("label", {}, "Preset ", pg.preset),
      el("label", { class: "switch" }, pg.flip, " Flip the kernel (true convolution)")),
    el("p", { class: "muted small" }, "CNN layers compute cross-correlation: the kernel slides as it is. A true convolution flips it in both axes first; for symmetric kernels the two agree."),
    pg.description,
    el("div", { class: "pg-editor" }, editor.node),
    pg.error,
    slide.node,
    photo.node);

  let kernels = [];
  let ready = null; // the promise of the first setup
  let timer = 0;
  let picked = { row: 0, col: 0 }; // the output cell whose window the diagram shows
  let answer = null;
  const latest = latestOnly();

  const whole = (node, lo, hi, fallback) => {
    const v = Number(node.value);
    return Number.isInteger(v) && v >= lo && v <= hi ? v : fallback;
  };
  function settings() {
    const padding = pg.padding.value === "number" ? whole(pg.padnum, 0, 32, 0) : pg.padding.value;
    return {
      size: whole(pg.size, 3, 64, 28), stride: whole(pg.stride, 1, 8, 1), padding,
      dilation: whole(pg.dilation, 1, 8, 1), flip: pg.flip.checked,
    };
  }
  function showSettings(s) {
    pg.size.value = String(s.size);
    pg.stride.value = String(s.stride);
    pg.padding.value = typeof s.padding === "number" ? "number" : s.padding;
    if (typeof s.padding === "number") pg.padnum.value = String(s.padding);
    pg.dilation.value = String(s.dilation);
    pg.flip.checked = s.flip;
    padnumLabel.hidden = pg.padding.value !== "number";
  }
  const named = () => kernels.find((k) => k.name === pg.preset.value) || null;
  function describe() {
    const k = named();
    pg.description.textContent = k ? `${k.name.replace("_", " ")}: ${k.description}` : "Your own kernel: type any numbers.";
  }
  function showKernel(values) {
    editor.set(values);
    pg.rows.value = String(values.length);
    pg.cols.value = String(values[0].length);
  }
  /** The link's kernel and settings shown (a named kernel, values, or the default). */
  function fromLink(state) {
    const wanted = parseKernel(state.kernel);
    const preset = wanted && wanted.name && kernels.find((k) => k.name === wanted.name);
    if (wanted && wanted.values) {
      pg.preset.value = "custom";
      showKernel(wanted.values);
    } else {
      const k = preset || kernels.find((x) => x.name === DEFAULT_KERNEL) || kernels[0];
      pg.preset.value = k ? k.name : "custom";
      if (k) showKernel(k.values);
    }
    describe();
    showSettings(parsePlayground(state.playground));
  }

  async function setup() {
    try {
      kernels = (await catalogue()).kernels;
    } catch (error) {
      showErrorIn(pg.error, error);
    }
    pg.preset.replaceChildren(...kernels.map((k) => el("option", { value: k.name, text: k.name.replace("_", " ") })),
      el("option", { value: "custom", text: "your own" }));
    fromLink(store.state);
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(apply, EDIT_DELAY_MS);
  }

  /** Ask the server, show its answer, and write what was asked into the link. */
  async function apply() {
    clearTimeout(timer);
    const pixels = drawing();
    if (!pixels) return;
    const s = settings();
    const k = named();
    const kernel = k ? k.name : editor.values();
    if (store.state.tab === "stepper") store.set({ kernel: formatKernel(kernel), playground: formatPlayground(s) });
    photo.kernelChanged();
    const controller = latest.start();
    let res;
    try {
      res = await api.applyKernel({ pixels, kernel, ...s }, controller.signal);
    } catch (error) {
      if (!isAbort(error)) showErrorIn(pg.error, error);
      return;
    } finally {
      latest.finish(controller);
    }
    answer = res;
    panel.dataset.applied = String(Number(panel.dataset.applied || 0) + 1);
    panel.dataset.appliedKernel = formatKernel(kernel); // what the numbers shown were made with
    if (!res.fits) {
      showErrorIn(pg.error, new Error(res.message));
      renderFormula(slide.ui, res);
      return;
    }
    showErrorIn(pg.error, null);
    renderSlide(slide.ui, res, picked, pick);
  }

  function pick(cell) {
    picked = cell;
    if (answer && answer.fits) renderSlide(slide.ui, answer, picked, pick);
  }

  for (const node of [pg.size, pg.stride, pg.padnum, pg.dilation]) node.addEventListener("input", schedule);
  pg.padding.addEventListener("change", () => { padnumLabel.hidden = pg.padding.value !== "number"; apply(); });
  pg.flip.addEventListener("change", apply);
  for (const node of [pg.rows, pg.cols]) {
    node.addEventListener("input", () => {
      const rows = whole(pg.rows, 1, MAX_KERNEL_SIDE, null);
      const cols = whole(pg.cols, 1, MAX_KERNEL_SIDE, null);
      if (rows === null || cols === null) return;
      editor.resize(rows, cols);
      pg.preset.value = "custom";
      describe();
      schedule();
    });
  }
  pg.preset.addEventListener("change", () => {
    const k = named();
    if (k) showKernel(k.values);
    describe();
    apply();
  });
  // A link opened or the Back button: show what it says (the page's own writes change nothing).
  store.watch(["kernel", "playground"], (state) => {
    if (!kernels.length || state.tab !== "stepper") return;
    const asked = [formatKernel(named() ? named().name : editor.values()), formatPlayground(settings())];
    if (asked[0] === state.kernel && asked[1] === state.playground) return;
    fromLink(state);
    apply();
  });

  return {
    update() {
      ready ??= setup();
      ready.then(apply);
    },
  };
}
