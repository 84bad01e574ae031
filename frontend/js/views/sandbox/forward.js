// The sandbox's forward pass, as the server answered it: the output-size formula, the padded
// input, the kernel (and the kernel slid, when flipped), the output, and for max pooling the
// winners (Pindex). Hovering, focusing or tapping an output cell outlines its window in the
// padded input and spells it out: its products and their sum (conv), its maximum and where it
// was (max pool), or its mean (average pool). Arrow keys move between output cells.
import { decimalsFor, windowCells } from "../../lib/sandbox.js";
import { fixed } from "../../lib/format.js";
import { el } from "../../components/dom.js";
import { gridBox, numberGrid } from "../../components/numbergrid.js";

const AXIS = { length: "Output length", rows: "Output rows", columns: "Output columns" };

/** The cell (row r, column c) of a numberGrid. */
const cellAt = (grid, r, c) => grid.children[r].children[c];

/** A grid whose decimals fit its values, with a heading and a test hook. */
const shown = (title, values, hook, options = {}) =>
  gridBox(title, values, { digits: decimalsFor([values]), hook, cls: "sb-grid", ...options });

function formulaLines(answer) {
  return el("div", { class: "sb-formulas", "data-sb-formulas": true },
    ...answer.formulas.map((f) => el("p", { class: "sb-formula", "data-sb-formula": f.axis, "data-value": String(f.output) },
      el("span", { class: "muted", text: `${AXIS[f.axis]}: ` }), el("span", { class: "mono", text: f.text }))));
}

/** What output (i, j) is made of, in words and numbers. */
function windowDetail(answer, i, j) {
  const value = answer.output[i][j];
  const at = answer.dims === 1 ? `output ${j}` : `output (${i}, ${j})`;
  const digits = decimalsFor([answer.output]);
  const result = el("strong", { "data-sb-window-value": true, "data-value": String(value), text: fixed(value, digits) });
  if (answer.op === "conv") {
    const products = answer.products[i][j];
    return [
      el("p", {}, `${at}: each cell of its window times the kernel tap over it, then the sum.`),
      el("div", { class: "sb-products" },
        shown("Products", products, "data-sb-products"),
        el("p", { class: "sb-sum", "data-sb-sum": true }, "Sum = ", result)),
    ];
  }
  if (answer.op === "avgpool") {
    return [el("p", {}, `${at}: the mean of the ${answer.divisor} cells of its window (padding counts as 0) = `, result)];
  }
  const index = answer.indices[i][j];
  const ties = answer.ties[i][j];
  return [
    el("p", { "data-sb-winner": String(index) }, `${at}: the maximum of its window, `, result,
      `, at input index ${index} (Pindex).`),
    ties > 1 ? el("p", { class: "sb-ties", "data-sb-ties": String(ties) }, `${ties} cells tie for it. ${answer.tie_rule}`) : null,
  ].filter(Boolean);
}

/**
 * Render `answer` into a new node. Returns `{node, select(i, j)}`; the first output cell starts
 * selected.
 */
export function renderForward(answer) {
  const [oh, ow] = answer.output_size;
  const padded = shown(answer.geometry.padding.some((p) => p > 0) ? "Input, padded" : "Input", answer.padded, "data-sb-padded", { mask: answer.padded_mask });
  const paddedGrid = padded.querySelector(".numgrid");
  if (answer.winners) {
    for (const row of answer.winners) for (const [r, c] of row) cellAt(paddedGrid, r, c).classList.add("is-winner");
  }
  const output = shown(answer.op === "conv" ? "Output" : "Pooled output", answer.output, "data-sb-output", { label: "output: hover or focus a cell to see its window" });
  const outputGrid = output.querySelector(".numgrid");
  const boxes = [padded];
  if (answer.op === "conv") {
    boxes.push(shown("Kernel", answer.kernel, "data-sb-kernel-grid"));
    if (answer.flip) boxes.push(shown("Kernel as it slides (flipped)", answer.applied_kernel, "data-sb-applied"));
  }
  boxes.push(output);
  if (answer.indices) boxes.push(shown("Pindex: each winner's index in the input", answer.indices, "data-sb-indices"));

  const detail = el("div", { class: "sb-detail", "data-sb-window": true, "aria-live": "polite" });
  let current = null;
  let outlined = [];
  function select(i, j) {
    for (const cell of outlined) cell.classList.remove("in-window");
    outlined = windowCells(answer.windows, i, j).map((key) => {
      const [r, c] = key.split(",").map(Number);
      const cell = cellAt(paddedGrid, r, c);
      cell.classList.add("in-window");
      return cell;
    });
    if (current) {
      current.classList.remove("is-marked");
      current.tabIndex = -1;
    }
    current = cellAt(outputGrid, i, j);
    current.classList.add("is-marked");
    current.tabIndex = 0;
    detail.dataset.row = String(i);
    detail.dataset.col = String(j);
    detail.replaceChildren(...windowDetail(answer, i, j));
  }

  answer.output.forEach((row, i) => row.forEach((value, j) => {
    const cell = cellAt(outputGrid, i, j);
    Object.assign(cell.dataset, { value: String(value), row: String(i), col: String(j) });
    cell.tabIndex = -1;
    cell.classList.add("sb-pick");
    const pick = () => select(i, j);
    cell.addEventListener("mouseenter", pick);
    cell.addEventListener("focus", pick);
    cell.addEventListener("click", pick);
  }));
  outputGrid.addEventListener("keydown", (event) => {
    const step = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key];
    if (!step || !current) return;
    event.preventDefault();
    const i = Math.min(oh - 1, Math.max(0, Number(current.dataset.row) + step[0]));
    const j = Math.min(ow - 1, Math.max(0, Number(current.dataset.col) + step[1]));
    cellAt(outputGrid, i, j).focus();
  });
  select(0, 0);

  const legend = answer.winners
    ? el("p", { class: "muted small" }, "Outlined: the window of the selected output. Bold ring: each window's winner. Hatched: padding (a max pool never picks it).")
    : el("p", { class: "muted small" }, "Outlined: the window of the selected output (hover, focus or tap an output cell). Hatched: padding, read as 0.");
  const node = el("div", { class: "sb-forward" },
    formulaLines(answer),
    el("div", { class: "sb-grids" }, ...boxes.map((box) => el("div", { class: "sb-scroll" }, box))),
    legend, detail);
  return { node, select };
}
