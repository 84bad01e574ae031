// The Network view's detail: one map enlarged in a panel that opens beside the clicked map
// (below it on a phone), growing out of it unless motion is reduced; each cell's value under the
// pointer or the arrow keys, and its receptive field traced back to the input.
import { fixed, grouped, shapeText } from "../../lib/format.js";
import { cellAtPoint } from "../../lib/netlayout.js";
import { placeDetail, revealBy } from "../../lib/overview.js";
import { drawHeatmap, legend } from "../../components/heatmap.js";
import { el } from "../../components/dom.js";
import { reducedMotion } from "../../components/gradflow.js";
import { boxIn, zoomOf } from "./boxes.js";
import { placeBox } from "./field.js";

/** How long the panel takes to grow out of the map, ms. */
const GROW_MS = 220;

/**
 * The detail of `local.selected` ({name, channel}) in `panel`. `local.cursor` is the cell last
 * shown, kept while the map stays selected. `view` gives the map's data: `map(name, channel)`,
 * `scale(name)`, `layer(name)` (its `/api/models/{id}` row, null for the input),
 * `showField(name, channel, row, col)` / `clearField()` for the receptive field, `onClose()`.
 */
export function renderDetail(panel, local, view) {
  const { name, channel } = local.selected;
  const map = view.map(name, channel);
  const scale = view.scale(name);
  const layer = view.layer(name);
  const canvas = el("canvas", { class: "big", "data-detail-map": `${name}:${channel}`, tabindex: "0",
    role: "img", "aria-label": `${name} channel ${channel} enlarged; use the arrow keys to move between cells` });
  drawHeatmap(canvas, map, scale);
  const cursorBox = el("span", { class: "cursor-box", hidden: true });
  const wrap = el("div", { class: "map-wrap big-wrap" }, canvas, cursorBox);
  const readout = el("p", { class: "detail-readout num", "aria-live": "polite" });
  const rfText = el("p", { class: "muted rf-text", text: "Point at a cell (hover, or tap), or focus the map and use the arrow keys: its value, and the cells it reads in every earlier map." });
  const close = el("button", { type: "button", class: "detail-close", "data-detail-close": true, "aria-label": "Close the detail" }, "Close");
  const about = layer
    ? `${layer.type}, channel ${channel} of ${shapeText(layer.output_shape)}, ${grouped(layer.parameters)} parameters in the layer`
    : `the ${map.height}×${map.width} image the network reads`;
  panel.replaceChildren(
    el("div", { class: "detail-top" },
      el("h2", { id: "net-detail-title" }, `${name} `, el("span", { class: "col-type", text: layer ? `map ${channel}` : "" })),
      close),
    el("p", { class: "muted detail-about", text: about }),
    wrap, legend(scale, scale.kind === "diverging" ? "value" : "activation"), readout, rfText);
  panel.setAttribute("aria-labelledby", "net-detail-title");
  close.addEventListener("click", view.onClose);

  const show = (row, col) => {
    local.cursor = { row, col };
    const value = map.data[row * map.width + col];
    readout.textContent = `row ${row}, col ${col}: ${fixed(value, 3)}`;
    placeBox(cursorBox, { top: row, left: col, bottom: row, right: col }, map.height, map.width);
    cursorBox.hidden = false;
    const field = view.showField(name, channel, row, col);
    const first = field[field.length - 1];
    rfText.textContent = layer && first && first.name === "input"
      ? `Receptive field: input rows ${first.top}–${first.bottom}, columns ${first.left}–${first.right} (${first.bottom - first.top + 1}×${first.right - first.left + 1} pixels).`
      : "";
  };
  const hide = () => {
    cursorBox.hidden = true;
    view.clearField();
  };
  const pointAt = (event) => {
    const rect = canvas.getBoundingClientRect();
    const { row, col } = cellAtPoint(event.clientX - rect.left, event.clientY - rect.top, rect.width, rect.height, map.height, map.width);
    show(row, col);
  };
  canvas.addEventListener("pointermove", pointAt);
  canvas.addEventListener("pointerdown", pointAt); // a tap, where nothing hovers
  canvas.addEventListener("pointerleave", (event) => { if (event.pointerType === "mouse" && document.activeElement !== canvas) hide(); });
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

/**
 * Put `panel` (absolutely placed in `stage`) beside `button` (the clicked map), or below it
 * across the stage when there is no room beside it; let it grow out of the map and scroll the
 * page so all of it is in view below the sticky header, unless `quiet` (a new layout only
 * puts it back beside its map).
 */
export function openBeside(panel, stage, button, { quiet = false } = {}) {
  const zoom = zoomOf(stage);
  const anchor = boxIn(button, stage, zoom);
  panel.hidden = false;
  panel.classList.remove("detail-below");
  let spot = placeDetail(anchor, { width: panel.offsetWidth, height: panel.offsetHeight }, { width: stage.clientWidth, height: stage.clientHeight });
  if (spot.side === "below") {
    panel.classList.add("detail-below");
    spot = { ...spot, top: anchor.bottom + 8 };
  }
  Object.assign(panel.style, { left: `${spot.left}px`, top: `${spot.top}px` });
  if (quiet) return;
  const header = document.querySelector("header");
  const viewTop = header ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
  const by = revealBy(panel.getBoundingClientRect(), viewTop, window.innerHeight);
  if (by) window.scrollBy({ top: by, behavior: "instant" });
  if (reducedMotion() || typeof panel.animate !== "function") return;
  const to = panel.getBoundingClientRect();
  const from = button.getBoundingClientRect();
  panel.animate([
    { transformOrigin: "0 0", transform: `translate(${(from.left - to.left) / zoom}px, ${(from.top - to.top) / zoom}px) scale(${from.width / to.width}, ${from.height / to.height})`, opacity: 0.4 },
    { transformOrigin: "0 0", transform: "none", opacity: 1 },
  ], { duration: GROW_MS, easing: "cubic-bezier(0.2, 0, 0, 1)" });
}

/**
 * A layer's maps in `panel`, each a button at least `minTarget` CSS px on its shorter side (a
 * finger picks one where the overview draws them a few pixels wide); `maps` are the planes,
 * `pick(channel)` opens one, `onClose()` closes the panel.
 */
export function renderLayerMaps(panel, layer, maps, scale, { minTarget, pick, onClose }) {
  const [h, w] = [maps[0].height, maps[0].width];
  const cell = Math.ceil(minTarget / Math.min(h, w));
  const buttons = maps.map((map, channel) => {
    const canvas = el("canvas", { "aria-hidden": "true", "data-pick-map": `${layer.name}:${channel}` });
    drawHeatmap(canvas, map, scale);
    Object.assign(canvas.style, { width: `${w * cell}px`, height: `${h * cell}px` });
    const button = el("button", { type: "button", class: "map-btn pick-btn", "aria-label": `${layer.name} channel ${channel}`,
      "data-channel": String(channel) }, el("span", { class: "map-wrap" }, canvas), el("span", { class: "pick-num", "aria-hidden": "true", text: String(channel) }));
    button.addEventListener("click", (event) => pick(channel, event.detail === 0));
    return button;
  });
  const close = el("button", { type: "button", class: "detail-close", "data-detail-close": true, "aria-label": "Close the detail" }, "Close");
  close.addEventListener("click", onClose);
  panel.replaceChildren(
    el("div", { class: "detail-top" },
      el("h2", { id: "net-detail-title" }, `${layer.name} `, el("span", { class: "col-type", text: `${maps.length} maps` })),
      close),
    el("p", { class: "muted detail-about", text: `${layer.type}, ${shapeText(layer.output_shape)}: pick a map to see its cells.` }),
    el("div", { class: "pick-maps", "data-layer-maps": layer.name }, ...buttons));
  panel.setAttribute("aria-labelledby", "net-detail-title");
}
