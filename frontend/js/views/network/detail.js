// The Network view's detail panel: one map enlarged, each cell's value under the pointer or the
// arrow keys, and its receptive field traced back to the input.
import { fixed } from "../../lib/format.js";
import { cellAtPoint } from "../../lib/netlayout.js";
import { drawHeatmap, legend } from "../../components/heatmap.js";
import { el } from "../../components/dom.js";
import { placeBox } from "./field.js";

/**
 * The detail of `local.selected` ({name, channel}, or null: how to use it) in `panel`.
 * `local.cursor` is the cell last shown, kept while the map stays selected. `view` gives the
 * map's data: `map(name, channel)`, `scale(name)`, `type(name)`, `layerIndex(name)`, and
 * `showField(name, channel, row, col)` / `clearField()` for the receptive field, `onClose()`.
 */
export function renderDetail(panel, local, view) {
  if (!local.selected) {
    panel.replaceChildren(el("h2", { text: "Detail" }),
      el("p", { class: "muted", text: "Click (or press Enter on) any map to enlarge it here. Then hover it, or use the arrow keys, to read each value and see its receptive field." }));
    return;
  }
  const { name, channel } = local.selected;
  const map = view.map(name, channel);
  const scale = view.scale(name);
  const i = view.layerIndex(name);
  const canvas = el("canvas", { class: "big", "data-detail-map": `${name}:${channel}`, tabindex: "0",
    role: "img", "aria-label": `${name} channel ${channel} enlarged; use the arrow keys to move between cells` });
  drawHeatmap(canvas, map, scale);
  const cursorBox = el("span", { class: "cursor-box", hidden: true });
  const wrap = el("div", { class: "map-wrap big-wrap" }, canvas, cursorBox);
  const readout = el("p", { class: "detail-readout num", "aria-live": "polite" }, "Hover a cell to read its value.");
  const rfText = el("p", { class: "muted rf-text" });
  const close = el("button", { type: "button", "data-detail-close": true }, "Close");
  panel.replaceChildren(
    el("h2", {}, `${name} `, el("span", { class: "col-type", text: `${view.type(name)}, channel ${channel}` })),
    el("p", { class: "num muted", text: `${map.height}×${map.width} cells` }),
    wrap, legend(scale, scale.kind === "diverging" ? "value" : "activation"), readout, rfText,
    close);
  close.addEventListener("click", view.onClose);

  const show = (row, col) => {
    local.cursor = { row, col };
    const value = map.data[row * map.width + col];
    readout.textContent = `row ${row}, col ${col}: ${fixed(value, 3)}`;
    placeBox(cursorBox, { top: row, left: col, bottom: row, right: col }, map.height, map.width);
    cursorBox.hidden = false;
    const field = view.showField(name, channel, row, col);
    const first = field[field.length - 1];
    rfText.textContent = i >= 0 && first
      ? `Receptive field: input rows ${first.top}–${first.bottom}, columns ${first.left}–${first.right} (${first.bottom - first.top + 1}×${first.right - first.left + 1} pixels).`
      : "";
  };
  const hide = () => {
    cursorBox.hidden = true;
    view.clearField();
  };
  canvas.addEventListener("pointermove", (event) => {
    const rect = canvas.getBoundingClientRect();
    const { row, col } = cellAtPoint(event.clientX - rect.left, event.clientY - rect.top, rect.width, rect.height, map.height, map.width);
    show(row, col);
  });
  canvas.addEventListener("pointerleave", () => { if (document.activeElement !== canvas) hide(); });
  canvas.addEventListener("focus", () => show(local.cursor ? local.cursor.row : Math.floor(map.height / 2), local.cursor ? local.cursor.col : Math.floor(map.width / 2)));
  canvas.addEventListener("blur", hide);
  canvas.addEventListener("keydown", (event) => {
    const move = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key];
    if (!move) return;
    event.preventDefault();
    const base = local.cursor || { row: 0, col: 0 };
    show(Math.min(map.height - 1, Math.max(0, base.row + move[0])), Math.min(map.width - 1, Math.max(0, base.col + move[1])));
  });
}
