// The Convolution view's stage: the layer's input planes with their padding hatched and the window
// outlined, the output map filling in as the window moves, and the receptive field in the 28×28
// input image.
import { decodeArray, extent, plane } from "../../lib/arrays.js";
import { css, scaleFor } from "../../lib/colour.js";
import { cellAt, windowAt } from "../../lib/geometry.js";
import { hatch } from "../../components/hatch.js";
import { legend } from "../../components/heatmap.js";
import { el } from "../../components/dom.js";

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

/** One input plane with its padding drawn and the window outlined. */
function drawPadded(canvas, map, pad, scale, cell, taps) {
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
  if (taps) {
    // Each tap outlined thinly (a dilated kernel skips cells), the whole window boldly.
    ctx.strokeStyle = "rgba(255, 140, 0, 0.9)";
    ctx.lineWidth = 1;
    for (const r of taps.rows) for (const c of taps.cols) ctx.strokeRect(c * cell + 0.5, r * cell + 0.5, cell - 1, cell - 1);
    ctx.lineWidth = 3;
    ctx.strokeStyle = "#ff8c00";
    const r0 = taps.rows[0];
    const c0 = taps.cols[0];
    const r1 = taps.rows[taps.rows.length - 1] + 1;
    const c1 = taps.cols[taps.cols.length - 1] + 1;
    ctx.strokeRect(c0 * cell - 1, r0 * cell - 1, (c1 - c0) * cell + 2, (r1 - r0) * cell + 2);
  }
}

/** The stage for position `pos` (from the view's `current()`) of `trace`: the input planes, the
 * output map computed up to this step, the input image without its receptive field yet, and the
 * shape line in `ui.shape`. */
export function renderStage(ui, trace, pos) {
  const { conv } = pos;
  const spec = conv.spec;
  const p = spec.padding || 0;
  const pad = [p, p, p, p];
  const k = spec.kernel_size;
  const s = spec.stride || 1;
  const d = spec.dilation || 1;
  const taps = windowAt(pos.row, pos.col, k, s, d);
  const input = decodeArray(conv.index === 0 ? trace.input : trace.layers[conv.index - 1].output);
  const [cin, h] = conv.inShape.length === 3 ? conv.inShape : [1, ...conv.inShape.slice(-2)];
  const cell = cin === 1 ? Math.max(6, Math.floor(400 / (h + 2 * p))) : Math.max(5, Math.floor(150 / (h + 2 * p)));
  const scale = scaleFor(extent(input.data));
  ui.inputCaption.textContent = `${conv.name}'s input: ${cin} channel${cin > 1 ? "s" : ""} of ${h}×${h}` +
    (p ? `, padding ${p} (hatched, zeros)` : ", no padding") + `; window ${k}×${k}`;
  const wrap = el("div", { class: "input-maps-grid" });
  for (let c = 0; c < cin; c += 1) {
    const fig = el("div", { class: "input-map" });
    const canvas = el("canvas", { class: "grid-canvas" });
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `input channel ${c}, ${h}×${h} with padding ${p}; window at rows ${taps.rows[0] - p} to ${taps.rows[taps.rows.length - 1] - p}, columns ${taps.cols[0] - p} to ${taps.cols[taps.cols.length - 1] - p}`);
    drawPadded(canvas, plane(input, c), pad, scale, cell, taps);
    fig.append(canvas);
    if (cin > 1) fig.append(el("span", { class: "small muted", text: `channel ${c}` }));
    wrap.append(fig);
  }
  ui.inputMaps.replaceChildren(wrap, legend(scale, "input value"));

  // Output map: visited cells coloured with the traced output (the same values as the API's).
  const out = plane(decodeArray(trace.layers[conv.index].output), pos.channel);
  const oscale = scaleFor(extent(out.data), { signed: true });
  const ocell = Math.max(8, Math.floor(336 / pos.outW));
  const canvas = ui.output;
  canvas.width = pos.outW * ocell;
  canvas.height = pos.outH * ocell;
  canvas.style.width = `${pos.outW * ocell}px`;
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < pos.total; i += 1) {
    const { row, col } = cellAt(i, pos.outW);
    if (i <= pos.step) {
      ctx.fillStyle = css(oscale.colour(out.data[i]));
      ctx.fillRect(col * ocell, row * ocell, ocell, ocell);
    } else {
      ctx.strokeStyle = "rgba(128,128,128,0.35)";
      ctx.lineWidth = 1;
      ctx.strokeRect(col * ocell + 0.5, row * ocell + 0.5, ocell - 1, ocell - 1);
    }
  }
  ctx.strokeStyle = "#ff8c00";
  ctx.lineWidth = 3;
  ctx.strokeRect(pos.col * ocell + 1.5, pos.row * ocell + 1.5, ocell - 3, ocell - 3);
  canvas.setAttribute("aria-label", `${conv.name} filter ${pos.channel} output, ${pos.outH}×${pos.outW}; ${pos.step + 1} of ${pos.total} cells computed, current row ${pos.row}, column ${pos.col}`);
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
  drawPadded(canvas, img, [0, 0, 0, 0], scaleFor(extent(img.data)), cell, null);
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
