// The playground under the stepper: the output-size formula filled in live for any input size,
// kernel, stride, padding (valid/same/full/a number) and dilation, with a diagram of the padded
// grid; and a named or hand-made 3×3 kernel applied to the user's drawing (POST /api/conv/apply),
// flipped or not.
import * as api from "../api.js";
import { extent, fromRows } from "../lib/arrays.js";
import { scaleFor } from "../lib/colour.js";
import { formulaText, outputSize, paddingFor } from "../lib/geometry.js";
import { firstWindowCells, formulaUneven } from "../lib/stepper.js";
import { el, showErrorIn } from "../components/dom.js";
import { hatch } from "../components/hatch.js";
import { heatmapCanvas, legend } from "../components/heatmap.js";

const TEMPLATE = `
  <h2>Playground: any kernel on your drawing</h2>
  <div class="pg-controls">
    <label>Input size <input type="number" data-pg-size min="1" max="64" value="28"></label>
    <label>Kernel size <input type="number" data-pg-k min="1" max="11" value="3"></label>
    <label>Stride <input type="number" data-pg-stride min="1" max="8" value="1"></label>
    <label>Padding <select data-pg-padding>
      <option value="valid">valid (0)</option><option value="same" selected>same</option>
      <option value="full">full</option><option value="number">a number…</option></select></label>
    <label data-pg-padnum-label hidden>p <input type="number" data-pg-padnum min="0" max="32" value="1"></label>
    <label>Dilation <input type="number" data-pg-dilation min="1" max="8" value="1"></label>
  </div>
  <div class="pg-formula-row">
    <div>
      <p class="muted">Output rows (the same for columns):</p>
      <p class="formula num" data-playground-formula></p>
      <p class="muted small" data-pg-formula-note></p>
    </div>
    <figure><canvas class="grid-canvas" data-pg-diagram role="img"></canvas>
      <figcaption class="small muted">The padded input (hatched: padding) and the first window</figcaption></figure>
  </div>
  <h3>Apply a 3×3 kernel to the drawing</h3>
  <div class="row">
    <label>Kernel <select data-kernel><option value="custom">custom</option></select></label>
    <label class="switch"><input type="checkbox" data-flip> Flip the kernel (true convolution)</label>
  </div>
  <p class="muted small">CNN layers compute cross-correlation: the kernel slides as it is. A true convolution flips it in both axes first; for symmetric kernels the two agree.</p>
  <p class="muted small" data-kernel-description></p>
  <div class="pg-apply">
    <fieldset class="kernel-grid" data-kernel-grid><legend>Kernel values (edit to make your own)</legend></fieldset>
    <figure><figcaption>Input</figcaption><div data-pg-input></div></figure>
    <figure><figcaption>Output <span class="num" data-pg-outsize></span></figcaption><div data-pg-output></div></figure>
  </div>
  <p class="formula-small num" data-pg-api-formula></p>
  <p class="error" data-pg-error role="alert" hidden></p>`;

/**
 * Fill `panel` with the playground. `drawing()` returns the 28×28 rows the network sees (or null
 * before the first trace). Returns `{update}`: call it when the drawing changes.
 */
export function mountPlayground(panel, store, drawing) {
  panel.innerHTML = TEMPLATE;
  const $ = (sel) => panel.querySelector(sel);
  const pg = {
    size: $("[data-pg-size]"), k: $("[data-pg-k]"), stride: $("[data-pg-stride]"),
    padding: $("[data-pg-padding]"), padnum: $("[data-pg-padnum]"), padnumLabel: $("[data-pg-padnum-label]"),
    dilation: $("[data-pg-dilation]"), formula: $("[data-playground-formula]"),
    note: $("[data-pg-formula-note]"), diagram: $("[data-pg-diagram]"), kernel: $("[data-kernel]"),
    flip: $("[data-flip]"), grid: $("[data-kernel-grid]"), input: $("[data-pg-input]"),
    output: $("[data-pg-output]"), outsize: $("[data-pg-outsize]"), apiFormula: $("[data-pg-api-formula]"),
    error: $("[data-pg-error]"), description: $("[data-kernel-description]"),
  };
  let pgReady = false;
  let kernels = [];
  let applyAbort = null;
  let applyTimer = null;
  const cells = [];
  for (let i = 0; i < 9; i += 1) {
    const input = el("input", {
      class: "num", type: "number", step: "0.1", value: "0",
      "aria-label": `kernel row ${Math.floor(i / 3)}, column ${i % 3}`,
    });
    input.addEventListener("input", () => {
      pg.kernel.value = "custom";
      store.set({ kernel: "custom" });
      scheduleApply();
    });
    cells.push(input);
  }
  pg.grid.append(...cells);

  const intOf = (node, lo, hi, fallback) => {
    const v = Number(node.value);
    return Number.isInteger(v) && v >= lo && v <= hi ? v : fallback;
  };
  function pgGeometry() {
    const n = intOf(pg.size, 1, 64, 28);
    const k = intOf(pg.k, 1, 11, 3);
    const s = intOf(pg.stride, 1, 8, 1);
    const d = intOf(pg.dilation, 1, 8, 1);
    const mode = pg.padding.value === "number" ? String(intOf(pg.padnum, 0, 32, 0)) : pg.padding.value;
    const [before, after] = paddingFor(mode, k, d);
    return { n, k, s, d, mode, before, after };
  }

  function renderFormula() {
    const g = pgGeometry();
    pg.padnumLabel.hidden = pg.padding.value !== "number";
    const text = g.before === g.after ? formulaText(g.n, g.k, g.s, g.before, g.d) : formulaUneven(g.n, g.k, g.s, g.before, g.after, g.d);
    pg.formula.textContent = `out = ${text}`;
    const out = outputSize(g.n, g.k, g.s, g.before, g.after, g.d);
    pg.note.textContent = (out < 1 ? "The kernel does not fit: use a smaller kernel or dilation, or more padding. " : "") +
      `Padding ${g.before === g.after ? `${g.before} on each side` : `${g.before} before, ${g.after} after`}; the dilated kernel spans ${g.d * (g.k - 1) + 1} pixels.`;
    // Diagram: the padded grid and the first window.
    const total = g.n + g.before + g.after;
    const cell = Math.max(3, Math.min(14, Math.floor(240 / total)));
    const c = pg.diagram;
    c.width = total * cell;
    c.height = total * cell;
    c.style.width = `${total * cell}px`;
    const ctx = c.getContext("2d");
    const win = firstWindowCells(g.k, g.d);
    for (let r = 0; r < total; r += 1) {
      for (let q = 0; q < total; q += 1) {
        const inside = r >= g.before && r < g.before + g.n && q >= g.before && q < g.before + g.n;
        if (inside) {
          ctx.fillStyle = "#ffffff";
          ctx.fillRect(q * cell, r * cell, cell, cell);
        } else hatch(ctx, q * cell, r * cell, cell);
        ctx.strokeStyle = "#c8ccd3";
        ctx.lineWidth = 1;
        ctx.strokeRect(q * cell + 0.5, r * cell + 0.5, cell - 1, cell - 1);
        if (win.has(`${r},${q}`)) {
          ctx.fillStyle = "rgba(255,140,0,0.85)";
          ctx.fillRect(q * cell + 1, r * cell + 1, cell - 2, cell - 2);
        }
      }
    }
    c.setAttribute("aria-label", `padded input ${total}×${total} (${g.n}×${g.n} plus padding) with the first ${g.k}×${g.k} window, dilation ${g.d}, in the top-left corner; output ${out}×${out}`);
  }

  function kernelValues() {
    return [0, 1, 2].map((r) => [0, 1, 2].map((c) => {
      const v = Number(cells[r * 3 + c].value);
      return Number.isFinite(v) ? v : 0;
    }));
  }

  function selectKernel(name, fromUser) {
    const named = kernels.find((k) => k.name === name);
    pg.kernel.value = named ? name : "custom";
    pg.description.textContent = named ? `${named.name.replace("_", " ")}: ${named.description}` : "Your own kernel: type any numbers.";
    if (named && named.values.length === 3 && named.values[0].length === 3) {
      named.values.flat().forEach((v, i) => { cells[i].value = String(Number(v.toFixed(4))); });
    }
    if (fromUser) store.set({ kernel: pg.kernel.value });
  }

  async function initPlayground() {
    pgReady = true;
    renderFormula();
    try {
      kernels = await api.listKernels();
    } catch (error) {
      showErrorIn(pg.error, error);
      kernels = [];
    }
    pg.kernel.replaceChildren(...kernels.map((k) => {
      return el("option", { value: k.name, text: k.name.replace("_", " ") });
    }), el("option", { value: "custom", text: "custom" }));
    const wanted = store.state.kernel;
    selectKernel(kernels.some((k) => k.name === wanted) ? wanted : (wanted === "custom" ? "custom" : "sobel_x"), false);
    applyPlayground();
  }

  function scheduleApply() {
    clearTimeout(applyTimer);
    applyTimer = setTimeout(applyPlayground, 150);
  }

  async function applyPlayground() {
    const pixels = drawing();
    if (!pixels) return;
    const g = pgGeometry();
    const img = fromRows(pixels);
    const padding = g.mode === "valid" || g.mode === "same" || g.mode === "full" ? g.mode : Number(g.mode);
    const named = pg.kernel.value !== "custom";
    const body = {
      pixels, kernel: named ? pg.kernel.value : kernelValues(), stride: g.s, padding, dilation: g.d,
      flip: pg.flip.checked,
    };
    // Requests the server would refuse are explained here instead (no failed request).
    const [kh, kw] = [3, 3];
    const [p0, p1] = paddingFor(g.mode, kh, g.d);
    if (padding === "same" && g.s !== 1) {
      showErrorIn(pg.error, new Error("Padding 'same' keeps the size only at stride 1: choose stride 1, or valid, full or a number."));
      return;
    }
    if (outputSize(img.height, kh, g.s, p0, p1, g.d) < 1 || outputSize(img.width, kw, g.s, p0, p1, g.d) < 1) {
      showErrorIn(pg.error, new Error(`The 3×3 kernel with dilation ${g.d} does not fit the ${img.height}×${img.width} drawing: use less dilation or more padding.`));
      return;
    }
    if (applyAbort) applyAbort.abort();
    applyAbort = new AbortController();
    let res;
    try {
      res = await api.applyKernel(body, applyAbort.signal);
    } catch (error) {
      showErrorIn(pg.error, error);
      return;
    }
    if (!res.fits) {
      showErrorIn(pg.error, new Error(res.message));
      return;
    }
    showErrorIn(pg.error, null);
    const inCanvas = heatmapCanvas(img, { size: 224, label: "drawing" });
    pg.input.replaceChildren(inCanvas, legend(inCanvas.scale, "pixel value"));
    const out = fromRows(res.output);
    const outScale = scaleFor(extent(out.data), { signed: extent(out.data)[0] < 0 });
    const outCanvas = heatmapCanvas(out, { size: 224 * (out.width / 28 > 1.3 ? 1.3 : Math.max(out.width / 28, 0.4)), label: "kernel output", scale: outScale });
    pg.output.replaceChildren(outCanvas, legend(outScale, "output"));
    pg.outsize.textContent = `${res.output_size[0]}×${res.output_size[1]}`;
    pg.apiFormula.textContent = `28×28 drawing: rows ${res.formula.rows.text}; cols ${res.formula.cols.text}` +
      (res.flip ? " (kernel flipped)" : "");
  }

  for (const node of [pg.size, pg.k, pg.stride, pg.padding, pg.padnum, pg.dilation]) {
    node.addEventListener("input", () => { renderFormula(); if (node !== pg.size && node !== pg.k) scheduleApply(); });
  }
  pg.kernel.addEventListener("change", () => { selectKernel(pg.kernel.value, true); applyPlayground(); });
  pg.flip.addEventListener("change", applyPlayground);
  store.watch(["kernel"], (state) => {
    if (!pgReady || !kernels.length || state.kernel === pg.kernel.value) return;
    if (kernels.some((k) => k.name === state.kernel)) { selectKernel(state.kernel, false); applyPlayground(); }
  });

  return {
    update() {
      if (!pgReady) initPlayground();
      else applyPlayground();
    },
  };
}
