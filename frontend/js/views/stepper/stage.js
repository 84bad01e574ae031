// The Convolution view's stage: the layer's input planes with their padding hatched and the window
// outlined, the output map filling in as the window moves, and the receptive field in the 28×28
// input image. The padding comes from the layer's row (GET /api/models/{id}), the window from the
// conv-step answer: nothing here computes where a window lies.
import { decodeArray, extent, plane } from "../../lib/arrays.js";
import { css, scaleFor } from "../../lib/colour.js";
import { cellOf } from "../../lib/stepper.js";
import { hatch } from "../../components/hatch.js";
import { legend } from "../../components/heatmap.js";
import { el, svg } from "../../components/dom.js";

/** The stage's figures; `ui` holds the nodes the view updates. */
export function stageSection() {
  const ui = {
    inputCaption: el("figcaption", { "data-input-caption": true }, "Layer input (padding shown hatched, the window outlined)"),
    inputMaps: el("div", { class: "input-maps", "data-input-maps": true }),
    outputCaption: el("figcaption", { "data-output-caption": true }, "Output map, filled as the window moves"),
    output: el("canvas", { class: "grid-canvas", "data-output-map": true, role: "img" }),
    outputLegend: el("div", { "data-output-legend": true }),
    receptive: el("canvas", { class: "grid-canvas", "data-receptive": true, role: "img" }),
    receptiveText: el("p", { class: "muted small", "data-receptive-text": true }),
    overlays: [], // one SVG per input plane, in padded-cell coordinates
    drawnFor: null, // the {conv, trace} whose input planes are drawn
  };
  const stage = el("div", { class: "stage", "data-stepper-stage": true, tabindex: "0",
    "aria-label": "Stepper: arrow keys move the window, space plays or pauses" },
  el("figure", { class: "stage-input" }, ui.inputCaption, ui.inputMaps),
  el("figure", { class: "stage-output" }, ui.outputCaption, ui.output, ui.outputLegend),
  el("figure", { class: "stage-image" },
    el("figcaption", {}, "Receptive field in the 28×28 input image"), ui.receptive, ui.receptiveText));
  ui.stage = stage;
  return { node: stage, ui };
}

/** `map` drawn on `canvas` with `pad` = [top, bottom, left, right] hatched cells around it,
 * `cell` canvas pixels a cell (also the playground's diagram). */
export function drawPadded(canvas, map, pad, scale, cell) {
  const [pt, pb, pl, pr] = pad;
  const rows = map.height + pt + pb;
  const cols = map.width + pl + pr;
  canvas.width = cols * cell;
  canvas.height = rows * cell;
  canvas.style.width = `${cols * cell}px`;
  const ctx = canvas.getContext("2d");
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < cols; c += 1) {
      const ir = r - pt;
      const ic = c - pl;
      if (ir < 0 || ic < 0 || ir >= map.height || ic >= map.width) hatch(ctx, c * cell, r * cell, cell);
      else {
        ctx.fillStyle = css(scale.colour(map.data[ir * map.width + ic]));
        ctx.fillRect(c * cell, r * cell, cell, cell);
      }
    }
  }
}

/** The conv layer's input planes, padded as its row says, each under an empty window overlay
 * (drawn again only when the layer or the trace changes). */
function drawInputs(ui, trace, conv) {
  if (ui.drawnFor && ui.drawnFor.conv === conv && ui.drawnFor.trace === trace) return;
  ui.drawnFor = { conv, trace };
  const { padding, kernel } = conv.geometry;
  const [pt, pb, pl, pr] = padding;
  const input = decodeArray(conv.index === 0 ? trace.input : trace.layers[conv.index - 1].output);
  const [cin, h, w] = conv.inShape;
  const rows = h + pt + pb;
  const cols = w + pl + pr;
  const cell = Math.max(cin === 1 ? 6 : 5, Math.floor((cin === 1 ? 400 : 150) / Math.max(rows, cols)));
  const scale = scaleFor(extent(input.data));
  const padText = padding.some(Boolean) ? `, padding ${pt} top, ${pb} bottom, ${pl} left, ${pr} right (hatched, zeros)` : ", no padding";
  ui.inputCaption.textContent = `${conv.name}'s input: ${cin} channel${cin > 1 ? "s" : ""} of ${h}×${w}${padText}; window ${kernel[0]}×${kernel[1]}`;
  ui.overlays = [];
  const wrap = el("div", { class: "input-maps-grid" });
  for (let c = 0; c < cin; c += 1) {
    const canvas = el("canvas", { class: "grid-canvas", "aria-hidden": "true" });
    drawPadded(canvas, plane(input, c), padding, scale, cell);
    const overlay = svg("svg", { class: "stage-overlay", viewBox: `0 0 ${cols} ${rows}`, preserveAspectRatio: "none", "aria-hidden": "true" });
    ui.overlays.push(overlay);
    const figure = el("div", { class: "stage-plane", role: "img", "aria-label": `input channel ${c}, ${h}×${w}` }, canvas);
    figure.append(overlay);
    wrap.append(el("div", { class: "input-map" }, figure,
      cin > 1 ? el("span", { class: "small muted", text: `channel ${c}` }) : null));
  }
  ui.inputMaps.replaceChildren(wrap, legend(scale, "input value"));
}

/** The window of the conv-step answer `r` outlined on every input plane: each tap thinly (a
 * dilated kernel skips cells), the whole window boldly. Its rows and columns (in the layer's
 * input; outside it: padding) go into data-window-rows / data-window-cols. */
export function drawWindow(ui, r) {
  const [pt, , pl] = r.geometry.padding;
  const [cin, h, w] = r.input_shape;
  const top = r.rows[0] + pt;
  const left = r.cols[0] + pl;
  const height = r.rows[r.rows.length - 1] - r.rows[0] + 1;
  const width = r.cols[r.cols.length - 1] - r.cols[0] + 1;
  ui.overlays.forEach((overlay, c) => {
    const taps = r.rows.flatMap((row) => r.cols.map((col) => svg("rect", {
      class: "stage-tap", x: col + pl, y: row + pt, width: 1, height: 1,
    })));
    overlay.replaceChildren(...taps, svg("rect", { class: "stage-window", x: left, y: top, width, height }));
    overlay.parentNode.setAttribute("aria-label", `input channel ${c} of ${cin}, ${h}×${w}; window at rows ${r.rows[0]} to ${r.rows.at(-1)}, columns ${r.cols[0]} to ${r.cols.at(-1)}`);
  });
  ui.inputMaps.dataset.windowRows = r.rows.join(",");
  ui.inputMaps.dataset.windowCols = r.cols.join(",");
}

/** The stage for position `pos` (from the view's `current()`) of `trace`: the input planes, the
 * output map computed up to this step (none while the server picks the position), the input
 * image without its receptive field yet, and the shape line in `ui.shape`. */
export function renderStage(ui, trace, pos) {
  const { conv } = pos;
  drawInputs(ui, trace, conv);
  delete ui.inputMaps.dataset.windowRows;
  delete ui.inputMaps.dataset.windowCols;
  for (const overlay of ui.overlays) overlay.replaceChildren();

  // Output map: visited cells coloured with the traced output (the same values as the API's).
  const out = plane(decodeArray(trace.layers[conv.index].output), pos.channel);
  const oscale = scaleFor(extent(out.data), { signed: true });
  const ocell = Math.max(8, Math.floor(336 / Math.max(pos.outW, pos.outH)));
  const canvas = ui.output;
  canvas.width = pos.outW * ocell;
  canvas.height = pos.outH * ocell;
  canvas.style.width = `${pos.outW * ocell}px`;
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const reached = pos.step === null ? -1 : pos.step;
  for (let i = 0; i < pos.total; i += 1) {
    const { row, col } = cellOf(i, pos.outW);
    if (i <= reached) {
      ctx.fillStyle = css(oscale.colour(out.data[i]));
      ctx.fillRect(col * ocell, row * ocell, ocell, ocell);
    } else {
      ctx.strokeStyle = "rgba(128,128,128,0.35)";
      ctx.lineWidth = 1;
      ctx.strokeRect(col * ocell + 0.5, row * ocell + 0.5, ocell - 1, ocell - 1);
    }
  }
  if (pos.step !== null) {
    ctx.strokeStyle = "#ff8c00";
    ctx.lineWidth = 3;
    ctx.strokeRect(pos.col * ocell + 1.5, pos.row * ocell + 1.5, ocell - 3, ocell - 3);
  }
  const where = pos.step === null ? "finding the most active cell" : `${pos.step + 1} of ${pos.total} cells computed, current row ${pos.row}, column ${pos.col}`;
  canvas.setAttribute("aria-label", `${conv.name} filter ${pos.channel} output, ${pos.outH}×${pos.outW}; ${where}`);
  canvas.dataset.cell = String(ocell);
  ui.outputLegend.replaceChildren(legend(oscale, `${conv.name} output`));

  // The 28×28 image (receptive field added when the step answer arrives).
  drawImage(ui, trace, null);
  ui.shape.textContent = `input ${conv.inShape.join("×")} → output ${conv.outShape.join("×")}`;
}

/** The 28×28 input image of `trace`, with the receptive field `box` outlined (null: none yet). */
export function drawImage(ui, trace, box) {
  const img = plane(decodeArray(trace.input), 0);
  const cell = 9;
  const canvas = ui.receptive;
  drawPadded(canvas, img, [0, 0, 0, 0], scaleFor(extent(img.data)), cell);
  if (box) {
    const ctx = canvas.getContext("2d");
    ctx.strokeStyle = "#ff8c00";
    ctx.lineWidth = 3;
    ctx.strokeRect(box.left * cell + 1.5, box.top * cell + 1.5, box.width * cell - 3, box.height * cell - 3);
    ui.receptiveText.textContent = `rows ${box.top}–${box.bottom}, columns ${box.left}–${box.right} (${box.height}×${box.width} pixels)`;
    canvas.setAttribute("aria-label", `input image 28×28; receptive field rows ${box.top} to ${box.bottom}, columns ${box.left} to ${box.right}`);
  } else {
    canvas.setAttribute("aria-label", "input image 28×28");
  }
}
