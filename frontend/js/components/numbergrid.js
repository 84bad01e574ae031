// Grids of numbers, the one way every view shows a small matrix number by number (a patch, a
// kernel, a pooling window, a gradient share, a playground output): cells coloured by a scale,
// padding hatched, one cell ringed, each cell's exact value in its title.
import { css, inkOn } from "../lib/colour.js";
import { fixed } from "../lib/format.js";
import { el } from "./dom.js";

/**
 * `values` ([rows][cols]) as a table-like grid. Options: `scale` colours the cells (none: plain);
 * `digits` shown; `power` divides every value by 10^power (the caption says so, see
 * lib/format's powers); `mask` [rows][cols], true where the cell is padding (hatched,
 * uncoloured); `mark` [row, col] rings that cell (`data-grid-mark`); `label` names the grid for
 * screen readers; `hook` a data attribute set on the grid; `cls` more classes ("square": square
 * cells that shrink with their container, "compact": smaller text).
 */
export function numberGrid(values, {
  scale = null, digits = 3, power = 0, mask = null, mark = null, label = "", hook = null, cls = "",
} = {}) {
  const columns = values[0] ? values[0].length : 0;
  const unit = 10 ** power;
  const grid = el("div", { class: `numgrid ${cls}`.trim(), role: "table", "aria-label": label || null });
  if (hook) grid.setAttribute(hook, "");
  grid.style.gridTemplateColumns = `repeat(${columns}, ${cls.includes("square") ? "minmax(0, 1fr)" : "auto"})`;
  values.forEach((row, r) => {
    // A row of the table for screen readers; `display: contents` leaves the cells in the grid.
    const line = el("div", { class: "numrow", role: "row" });
    grid.append(line);
    row.forEach((value, c) => {
      const cell = el("span", { class: "cell num", role: "cell", text: fixed(value / unit, digits) });
      cell.title = fixed(value, 6);
      if (mask && mask[r][c]) cell.classList.add("pad");
      else if (scale) {
        const rgb = scale.colour(value);
        cell.style.background = css(rgb);
        cell.style.color = inkOn(rgb);
      }
      if (mark && mark[0] === r && mark[1] === c) {
        cell.classList.add("is-marked");
        cell.setAttribute("data-grid-mark", "");
      }
      line.append(cell);
    });
  });
  return grid;
}

/** A labelled grid: `title` above `numberGrid(values, options)`. */
export function gridBox(title, values, options) {
  return el("div", { class: "gridbox" }, el("span", { class: "gridlbl", text: title }), numberGrid(values, options));
}
