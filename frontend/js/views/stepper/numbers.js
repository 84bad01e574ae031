// The Convolution view's grids of numbers (patch, kernel, products, gradient shares) and the big
// numbers of its sum, each with its exact value in `data-value`.
import { css, inkOn } from "../../lib/colour.js";
import { fixed } from "../../lib/format.js";
import { el } from "../../components/dom.js";

/** A grid of numbers as a table-like div, cells coloured by `scale` (or plain); cells where
 * `mask` is true are padding (hatched, uncoloured). */
export function numberGrid(values, { scale, digits = 3, mask, label, cls = "" } = {}) {
  const grid = el("div", { class: `numgrid ${cls}` });
  grid.style.gridTemplateColumns = `repeat(${values[0].length}, auto)`;
  grid.setAttribute("role", "table");
  if (label) grid.setAttribute("aria-label", label);
  values.forEach((row, r) => {
    row.forEach((v, c) => {
      const cell = el("span", { class: "cell num", text: fixed(v, digits) });
      cell.setAttribute("role", "cell");
      cell.title = fixed(v, 6);
      if (mask && mask[r][c]) cell.classList.add("pad");
      else if (scale) {
        const rgb = scale.colour(v);
        cell.style.background = css(rgb);
        cell.style.color = inkOn(rgb);
      }
      grid.append(cell);
    });
  });
  return grid;
}

/** A labelled grid: `label` above `numberGrid(values, options)`. */
export function gridBox(label, values, options) {
  const box = el("div", { class: "gridbox" });
  box.append(el("span", { class: "gridlbl", text: label }), numberGrid(values, options));
  return box;
}

/** `value` shown to 4 decimals, exactly in `data-value`. */
export function setNumber(node, value) {
  node.dataset.value = String(value);
  node.textContent = fixed(value, 4);
}
