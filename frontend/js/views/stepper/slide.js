// The playground's result, all from the POST /api/conv/apply answer: the image the kernel slid
// over and the output (click a cell to pick it), the output-size formula per axis with the
// server's numbers, the padded input with the picked cell's window, and the output's numbers.
import { extent, fromRows } from "../../lib/arrays.js";
import { scaleFor } from "../../lib/colour.js";
import { fixed } from "../../lib/format.js";
import { heatmapCanvas, legend } from "../../components/heatmap.js";
import { numberGrid } from "../../components/numbergrid.js";
import { el, svg } from "../../components/dom.js";
import { drawPadded } from "./stage.js";

/** Outputs wider or taller than this show their numbers on demand only (a 64×64 grid is 4,096
 * cells: unreadable, and slow to lay out on a phone). */
const MAX_NUMBERS_SIDE = 32;

/** The result's nodes; `ui` holds the ones `renderSlide` fills. */
export function slideSection() {
  const ui = {
    input: el("div", { "data-pg-input": true }),
    output: el("div", { "data-pg-output": true }),
    outsize: el("span", { class: "num", "data-pg-outsize": true }),
    formulaRows: el("p", { class: "formula num", "data-playground-formula": true }),
    formulaCols: el("p", { class: "formula num", "data-playground-formula-cols": true }),
    note: el("p", { class: "muted small", "data-pg-formula-note": true }),
    diagram: el("canvas", { class: "grid-canvas", "aria-hidden": "true" }),
    overlay: svg("svg", { class: "stage-overlay", preserveAspectRatio: "none", "aria-hidden": "true" }),
    picked: el("p", { class: "pg-picked", "data-pg-picked": true, "aria-live": "polite" }),
    // focusable: a wide output scrolls sideways inside it, also by keyboard
    numbers: el("div", { class: "pg-numbers", "data-pg-numbers": true, tabindex: "0", role: "region", "aria-label": "the output's numbers" }),
  };
  const plane = el("div", { class: "stage-plane", role: "img", "data-pg-diagram": true }, ui.diagram);
  plane.append(ui.overlay);
  ui.plane = plane;
  const node = el("div", { class: "pg-result" },
    el("div", { class: "pg-apply" },
      el("figure", {}, el("figcaption", {}, "Input"), ui.input),
      el("figure", {}, el("figcaption", {}, "Output ", ui.outsize), ui.output)),
    el("div", { class: "pg-formula-row" },
      el("div", {},
        el("p", { class: "muted" }, "Output rows:"), ui.formulaRows,
        el("p", { class: "muted" }, "Output columns:"), ui.formulaCols, ui.note),
      el("figure", {}, plane, ui.picked)),
    el("h3", {}, "The output's numbers"), ui.numbers);
  return { node, ui };
}

/** The answer `res` drawn, with output cell `picked` ({row, col}, clamped to the output) shown
 * on the padded input; `onPick(cell)` is called when a cell of the output map is clicked. */
export function renderSlide(ui, res, picked, onPick) {
  const image = fromRows(res.input);
  const inCanvas = heatmapCanvas(image, { size: 224, label: `input, ${image.height}×${image.width}` });
  ui.input.replaceChildren(inCanvas, legend(inCanvas.scale, "pixel value"));
  const out = fromRows(res.output);
  const [lo, hi] = extent(out.data);
  const outScale = scaleFor([lo, hi], { signed: lo < 0 });
  const outCanvas = heatmapCanvas(out, { size: 224, label: "kernel output", scale: outScale });
  outCanvas.classList.add("pg-pickable");
  outCanvas.addEventListener("click", (event) => {
    const box = outCanvas.getBoundingClientRect();
    const col = Math.floor(((event.clientX - box.left) / box.width) * out.width);
    const row = Math.floor(((event.clientY - box.top) / box.height) * out.height);
    onPick({ row: Math.min(Math.max(row, 0), out.height - 1), col: Math.min(Math.max(col, 0), out.width - 1) });
  });
  ui.output.replaceChildren(outCanvas, legend(outScale, "output"));
  ui.outsize.textContent = `${res.output_size[0]}×${res.output_size[1]}`;
  renderFormula(ui, res);
  renderPicked(ui, res, picked);
  if (out.width <= MAX_NUMBERS_SIDE && out.height <= MAX_NUMBERS_SIDE) {
    ui.numbers.replaceChildren(numberGrid(res.output, {
      scale: outScale, digits: 3, cls: "compact", hook: "data-pg-output-values",
      label: `the output's ${out.height * out.width} values`,
    }));
  } else {
    ui.numbers.replaceChildren(el("p", { class: "muted", text: `A ${out.height}×${out.width} output is too large to read number by number: choose a smaller input size (the numbers show up to ${MAX_NUMBERS_SIDE}×${MAX_NUMBERS_SIDE}).` }));
  }
}

/** The formula per axis and what it is made of, from the answer's terms (also when the kernel
 * does not fit: then the output below 1 is why). */
export function renderFormula(ui, res) {
  const { rows, cols } = res.formula || {};
  ui.formulaRows.textContent = rows ? `out = ${rows.text}` : "—";
  ui.formulaCols.textContent = cols ? `out = ${cols.text}` : "—";
  if (!rows) {
    ui.note.textContent = "";
    return;
  }
  const pads = `padding ${rows.padding[0]} top, ${rows.padding[1]} bottom, ${cols.padding[0]} left, ${cols.padding[1]} right`;
  ui.note.textContent = `The ${rows.size}×${cols.size} input with ${pads}; the dilated kernel spans ${rows.span}×${cols.span} pixels and moves ${rows.stride} row${rows.stride > 1 ? "s" : ""} and ${cols.stride} column${cols.stride > 1 ? "s" : ""} at a time.`;
}

/** The padded input with the window of output cell `picked` outlined (taps from the answer's
 * windows), and that cell's value. */
function renderPicked(ui, res, picked) {
  const image = fromRows(res.input);
  const [pt, pb, pl, pr] = res.geometry.padding;
  const height = image.height + pt + pb;
  const width = image.width + pl + pr;
  const cell = Math.max(3, Math.min(14, Math.floor(280 / Math.max(height, width))));
  drawPadded(ui.diagram, image, res.geometry.padding, scaleFor(extent(image.data)), cell);
  const row = Math.min(picked.row, res.output_size[0] - 1);
  const col = Math.min(picked.col, res.output_size[1] - 1);
  const rows = res.windows.rows[row];
  const cols = res.windows.cols[col];
  ui.overlay.setAttribute("viewBox", `0 0 ${width} ${height}`);
  ui.overlay.replaceChildren(
    ...rows.flatMap((r) => cols.map((c) => svg("rect", { class: "stage-tap", x: c + pl, y: r + pt, width: 1, height: 1 }))),
    svg("rect", { class: "stage-window", x: cols[0] + pl, y: rows[0] + pt, width: cols.at(-1) - cols[0] + 1, height: rows.at(-1) - rows[0] + 1 }));
  ui.plane.setAttribute("aria-label", `the padded input, ${height}×${width}, with the window of output row ${row}, column ${col}: input rows ${rows[0]} to ${rows.at(-1)}, columns ${cols[0]} to ${cols.at(-1)}`);
  ui.plane.dataset.windowRows = rows.join(",");
  ui.plane.dataset.windowCols = cols.join(",");
  ui.picked.textContent = `Output (${row}, ${col}) = ${fixed(res.output[row][col], 4)}: the kernel over input rows ${rows[0]}…${rows.at(-1)}, columns ${cols[0]}…${cols.at(-1)} (outside the image: padding). Click the output to pick another cell.`;
}
