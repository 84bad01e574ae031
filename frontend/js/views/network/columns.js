// The Network view's overview columns, sized by the plan (lib/overview.js): the input with its
// saliency, every layer's maps (one colour scale per layer, every map drawn to the same scale
// of CSS pixels per cell), Flatten as a note, vectors as bars, the last layer's bars labelled
// with the classes, and the probabilities. Each column is a section `[data-layer=NAME]`; what a
// connection joins are its `[data-unit]` elements, in order, inside its `[data-block]`.
import { extent, plane } from "../../lib/arrays.js";
import { scaleFor } from "../../lib/colour.js";
import { cellAtPoint, rangeText } from "../../lib/netlayout.js";
import { fixed, grouped, percent, shapeText } from "../../lib/format.js";
import { drawHeatmap, legend } from "../../components/heatmap.js";
import { el } from "../../components/dom.js";
import { barsCanvas, classBars } from "./bars.js";

/** The input image's colour scale: 0 to its largest value, at least 1. */
export const inputScale = (map) => scaleFor([0, Math.max(1, extent(map.data)[1])]);

/** A map's canvas drawn at the plan's size, `data-map="NAME:CHANNEL"`. */
export function mapCanvas(name, channel, map, scale, slot) {
  const canvas = el("canvas", { "data-map": `${name}:${channel}`, "aria-hidden": "true" });
  drawHeatmap(canvas, map, scale);
  canvas.style.width = `${slot.mapWidth}px`;
  canvas.style.height = `${slot.mapHeight}px`;
  return canvas;
}

/** A map as a button (at least the plan's box, its canvas centred) holding its canvas in a
 * wrap the receptive-field boxes are placed in. */
export function mapButton(name, channel, map, scale, slot, label) {
  return el("button", {
    type: "button", class: "map-btn", "aria-label": label, "data-unit": "",
    "data-layer-name": name, "data-channel": String(channel),
    style: `width: ${slot.boxWidth}px; height: ${slot.boxHeight}px`,
  }, el("span", { class: "map-wrap" }, mapCanvas(name, channel, map, scale, slot)));
}

/** A column's header: its name (the layer type as a tooltip), its output shape, the server's
 * note when the layer has one (Dropout's p, Rescale's formula), its colour scale when it has
 * maps (the bar, and its range in a few characters: the column may be as narrow as its maps). */
function header(layer, shape, scale, title) {
  return el("div", { class: "col-head" },
    el("h3", { class: "col-name", title: layer.type, text: layer.name }),
    el("p", { class: "col-shape num", text: shape }),
    layer.note ? el("p", { class: "col-note", "data-note": "", text: layer.note }) : null,
    scale ? legend(scale, title) : null,
    scale ? el("p", { class: "col-range num", "aria-hidden": "true", text: rangeText(scale) }) : null);
}

function section(column, layer, ...children) {
  const label = layer ? `${layer.name}, ${layer.type}, ${shapeText(layer.output_shape)}, ${grouped(layer.parameters)} parameters` : column.name;
  return el("section", { class: `net-col col-${column.role}`, "data-layer": column.name, "aria-label": label }, ...children);
}

function grid(slot, ...children) {
  return el("div", {
    class: "maps", "data-block": "",
    style: `grid-template-columns: repeat(${slot.perLine}, ${slot.boxWidth}px)`,
  }, ...children);
}

function inputColumn(net, column, slot, across) {
  const { trace } = net;
  const map = plane(net.input, 0);
  const scale = inputScale(map);
  const salMap = plane(net.saliency, 0);
  const salScale = scaleFor(extent(salMap.data), { signed: true });
  const salCanvas = el("canvas", { "data-saliency": true, role: "img",
    "aria-label": `Saliency of class ${trace.target_label} over the input, ${map.height}×${map.width}`,
    "aria-describedby": "net-saliency-help" });
  drawHeatmap(salCanvas, salMap, salScale);
  salCanvas.style.width = `${slot.mapWidth}px`;
  salCanvas.style.height = `${slot.mapHeight}px`;
  // left to right the caption goes under the saliency map, top to bottom beside it
  const saliency = el("figure", { class: "saliency", style: across ? `width: ${slot.boxWidth}px` : "" },
    el("span", { class: "map-wrap", "data-rf-host": "saliency", title: "d logit / d pixel: orange raises the class's score, blue lowers it" }, salCanvas),
    el("figcaption", {}, "saliency ", el("strong", { text: trace.target_label })));
  const maps = grid({ ...slot, perLine: Math.min(slot.perLine, 2) },
    mapButton("input", 0, map, scale, slot, "input image"), saliency);
  return section(column, null, header({ name: "input", type: "the image the network reads" }, shapeText([1, map.height, map.width]), scale, "ink"), maps);
}

/** A layer's maps as one button (a touch screen, maps too small to pick one by one: the plan's
 * `rowTarget`): a tap opens them all, larger, in the detail (`data-layer-button="NAME"`). */
function layerButton(layer, canvases, slot) {
  const [count, h, w] = layer.output_shape.slice(-3);
  return el("button", {
    type: "button", class: "maps layer-btn", "data-block": "", "data-layer-button": layer.name,
    "aria-label": `${layer.name}: ${count} maps of ${h}×${w}, open them to pick one`,
    style: `grid-template-columns: repeat(${slot.perLine}, ${slot.boxWidth}px)`,
  }, ...canvases.map((canvas) => el("span", { class: "map-wrap", "data-unit": "" }, canvas)));
}

function mapsColumn(net, column, slot, i) {
  const layer = net.model.layers[i];
  const output = net.decoded[i];
  const scale = net.scales[i];
  const maps = [];
  for (let c = 0; c < column.count; c += 1) {
    if (slot.rowTarget) maps.push(mapCanvas(layer.name, c, plane(output, c), scale, slot));
    else maps.push(mapButton(layer.name, c, plane(output, c), scale, slot, `${layer.name} channel ${c}`));
  }
  const title = scale.kind === "diverging" ? "value" : "activation";
  return section(column, layer, header(layer, shapeText(layer.output_shape), scale, title),
    slot.rowTarget ? layerButton(layer, maps, slot) : grid(slot, ...maps));
}

function flattenColumn(net, column, i) {
  const layer = net.model.layers[i];
  const from = i > 0 ? shapeText(net.model.layers[i - 1].output_shape) : "";
  return section(column, layer,
    el("p", { class: "flatten-note", "data-block": "", "data-unit": "" },
      el("strong", { text: layer.name }), ` ${from} → ${shapeText(layer.output_shape)}: maps laid end to end`));
}

function vectorColumn(net, column, i, size) {
  const layer = net.model.layers[i];
  const values = Array.from(net.decoded[i].data);
  const scale = net.scales[i];
  const canvas = barsCanvas(values, scale, layer.name, size);
  canvas.setAttribute("data-block", "");
  canvas.setAttribute("data-unit", "");
  const readout = el("p", { class: "bar-readout num", "aria-hidden": "true" }, "\u00a0");
  canvas.addEventListener("pointermove", (event) => {
    const rect = canvas.getBoundingClientRect();
    const { row, col } = cellAtPoint(event.clientX - rect.left, event.clientY - rect.top, rect.width, rect.height,
      size.along === "y" ? values.length : 1, size.along === "y" ? 1 : values.length);
    const k = size.along === "y" ? row : col;
    readout.textContent = `${k}: ${fixed(values[k], 2)}`;
  });
  canvas.addEventListener("pointerleave", () => { readout.textContent = "\u00a0"; });
  return section(column, layer, header(layer, shapeText(layer.output_shape), null), canvas, readout);
}

function logitsColumn(net, column, i) {
  const layer = net.model.layers[i];
  const values = Array.from(net.decoded[i].data);
  const bars = classBars(values, net.trace.classes, net.scales[i], layer.name);
  bars.setAttribute("data-block", "");
  return section(column, layer, header(layer, "scores", null), bars);
}

/** True for a network with one output, a sigmoid head the server reads as two classes. */
const oneOutput = (net) => net.model.layers[net.model.layers.length - 1].output_shape.at(-1) === 1;

function outputColumn(net, column) {
  const { trace } = net;
  const rows = trace.classes.map((label, k) => {
    const p = trace.probabilities[k];
    const winner = k === trace.index;
    // its length, along the row's bar (or up its column, top to bottom: network.css)
    const fill = el("span", { class: "prob-fill" });
    fill.style.setProperty("--p", `${Math.max(0, Math.min(100, p * 100))}%`);
    return el("li", {
      class: `prob${winner ? " winner" : ""}${k === trace.target ? " target" : ""}`,
      "data-output-prob": String(k), "data-value": String(p), "data-unit": "",
      "aria-label": `class ${label}: ${percent(p)}${winner ? ", predicted" : ""}`,
    },
    el("span", { class: "prob-label", text: label }),
    el("span", { class: "prob-bar", "aria-hidden": "true" }, fill),
    el("span", { class: "prob-value num", text: percent(p, 1) }));
  });
  return section(column, null,
    header({ name: "output", type: oneOutput(net) ? "sigmoid: [1 − σ(z), σ(z)]" : "softmax" }, `${trace.classes.length} classes`, null),
    el("p", { class: "prediction" }, "Predicted ", el("strong", { class: "num", text: trace.label })),
    el("ol", { class: "probs", "data-block": "", "aria-label": "probability of each class" }, ...rows));
}

/**
 * Every column of `net` ({model, trace, input, saliency, decoded, scales}: the view's loaded
 * data, decoded) laid out by `plan` for `columns` (lib/netlayout.js `overviewColumns`);
 * `barsLength` is how long a column of bars is when the layers run left to right; top to
 * bottom, each column is a row of the plan's height.
 */
export function networkColumns(net, columns, plan, barsLength) {
  const across = plan.orientation === "horizontal";
  return columns.map((column, k) => {
    const slot = plan.slots[k];
    const i = net.model.layers.findIndex((layer) => layer.name === column.name);
    let node;
    if (column.role === "input") node = inputColumn(net, column, slot, across);
    else if (column.role === "maps") node = mapsColumn(net, column, slot, i);
    else if (column.role === "flatten") node = flattenColumn(net, column, i);
    else if (column.role === "vector") {
      node = vectorColumn(net, column, i, across
        ? { width: slot.width, height: barsLength, along: "y" }
        : { width: slot.width, height: slot.height, along: "x" });
    } else if (column.role === "logits") node = logitsColumn(net, column, i);
    else node = outputColumn(net, column);
    if (across) node.style.width = `${slot.width}px`;
    else node.style.height = `${slot.height}px`;
    return node;
  });
}
