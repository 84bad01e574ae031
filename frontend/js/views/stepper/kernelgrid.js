// The playground's kernel editor: a grid of number inputs, 1×1 up to 7×7, filled by a preset
// (the catalogue's named kernels) or typed by hand. It only holds values; the server slides them.
import { MAX_KERNEL_SIDE } from "../../lib/stepper.js";
import { el } from "../../components/dom.js";

/** Values the API takes: |v| ≤ 10^6 (a typed number beyond is brought back to the bound). */
const BOUND = 1e6;

/**
 * A kernel editor in a fieldset; `onEdit()` is called when the user types a value. Returns
 * `{node, values(), set(values), resize(rows, cols)}`: `values()` is the [rows][cols] numbers
 * shown (an empty or unreadable input counts as 0), `set` shows a whole kernel, `resize` keeps
 * the values that still fit and fills new cells with 0.
 */
export function kernelEditor(onEdit) {
  const grid = el("div", { class: "kernel-cells", "data-kernel-grid": true });
  const node = el("fieldset", { class: "kernel-grid" },
    el("legend", {}, "Kernel values (type to make your own)"), grid);
  let inputs = []; // [rows][cols] of <input>

  const read = (input) => {
    const v = Number(input.value);
    return Number.isFinite(v) ? Math.max(-BOUND, Math.min(BOUND, v)) : 0;
  };

  function build(values) {
    const cols = values[0].length;
    grid.style.gridTemplateColumns = `repeat(${cols}, minmax(3.6rem, 4.6rem))`;
    inputs = values.map((row, r) => row.map((v, c) => {
      const input = el("input", {
        class: "num", type: "number", step: "any", min: String(-BOUND), max: String(BOUND),
        value: String(Number(v.toPrecision(6))), "aria-label": `kernel row ${r}, column ${c}`,
        "data-kernel-cell": `${r},${c}`,
      });
      input.addEventListener("input", onEdit);
      return input;
    }));
    grid.replaceChildren(...inputs.flat());
    node.dataset.rows = String(values.length);
    node.dataset.cols = String(cols);
  }

  const values = () => inputs.map((row) => row.map(read));

  function resize(rows, cols) {
    const old = values();
    const r = Math.min(Math.max(rows, 1), MAX_KERNEL_SIDE);
    const c = Math.min(Math.max(cols, 1), MAX_KERNEL_SIDE);
    build(Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => (old[i] && old[i][j] !== undefined ? old[i][j] : 0))));
  }

  build([[0, 0, 0], [0, 1, 0], [0, 0, 0]]);
  return { node, values, set: build, resize };
}
