// The Network view's strip of columns: the input with its saliency, every layer's maps (one
// colour scale per layer), Flatten, dense layers as bars, and the output probabilities. Each
// column takes `net`: {model, trace, decoded, sizes, scales} (the view's loaded data).
import { extent, plane } from "../../lib/arrays.js";
import { scaleFor } from "../../lib/colour.js";
import { fixed, grouped, percent, shapeText } from "../../lib/format.js";
import { layerKind, mapPixels } from "../../lib/netlayout.js";
import { drawHeatmap, legend } from "../../components/heatmap.js";
import { el } from "../../components/dom.js";
import { barsCanvas } from "./bars.js";

/** Larger maps on large screens (a projector on a wall). */
export const zoom = () => (window.innerWidth >= 1700 ? 1.25 : 1);

/** The input image's colour scale: 0 to its largest value, at least 1. */
export const inputScale = (map) => scaleFor([0, Math.max(1, extent(map.data)[1])]);

/** A map as a focusable button holding its canvas; `data-map="NAME:CHANNEL"` on the canvas. */
function mapButton(name, channel, map, scale, px, label) {
  const canvas = el("canvas", { "data-map": `${name}:${channel}`, "aria-hidden": "true" });
  drawHeatmap(canvas, map, scale);
  canvas.style.width = `${px}px`;
  canvas.style.height = `${(px * map.height) / map.width}px`;
  return el("button", {
    type: "button", class: "map-btn", "aria-label": label,
    "data-layer-name": name, "data-channel": String(channel),
  }, canvas);
}

function header(name, type, shape, params, scale, title) {
  const head = el("div", { class: "col-head" },
    el("h3", {}, el("span", { class: "col-name", text: name }), " ", el("span", { class: "col-type", text: type })),
    el("p", { class: "col-meta num" },
      el("span", { title: "output shape", text: shapeText(shape) }),
      " · ",
      el("span", { title: "trainable parameters", text: `${grouped(params)} params` })));
  if (scale) head.append(legend(scale, title));
  return head;
}

function inputColumn(net, input, saliency) {
  const { trace } = net;
  const map = plane(input, 0);
  const inScale = inputScale(map);
  const px = mapPixels(28, 140 * zoom());
  const salMap = plane(saliency, 0);
  const salScale = scaleFor(extent(salMap.data), { signed: true });
  const salCanvas = el("canvas", { "data-saliency": true, role: "img",
    "aria-label": `Saliency of class ${trace.target_label} over the input, 28×28` });
  drawHeatmap(salCanvas, salMap, salScale);
  salCanvas.style.width = `${px}px`;
  salCanvas.style.height = `${px}px`;
  const salWrap = el("div", { class: "map-wrap saliency-wrap", "data-rf-host": "saliency" }, salCanvas);
  const col = el("section", { class: "net-col col-input", "data-layer": "input", "aria-label": "input" },
    header("input", "28×28 image", [1, 28, 28], 0, inScale, "ink"),
    el("div", { class: "maps maps-1" }, mapButton("input", 0, map, inScale, px, "input image")),
    el("div", { class: "saliency" },
      el("h4", {}, "Saliency for class ", el("strong", { text: trace.target_label })),
      salWrap,
      legend(salScale, "d logit / d pixel"),
      el("p", { id: "net-saliency-help", class: "muted small",
        text: `How much each input pixel would change the score (logit) of class ${trace.target_label} if it were a little darker: orange raises it, blue lowers it.` })));
  col.querySelector(".col-meta").lastChild.textContent = "no params";
  return col;
}

function mapsColumn(net, i) {
  const layer = net.model.layers[i];
  const name = layer.name;
  const output = net.decoded[i].output;
  const [channels] = layer.output_shape.slice(-3);
  const [h] = net.sizes[i];
  const many = channels > 8;
  const px = mapPixels(h, (many ? 64 : 96) * zoom());
  const scale = net.scales[i];
  const buttons = [];
  for (let c = 0; c < channels; c += 1) {
    buttons.push(mapButton(name, c, plane(output, c), scale, px, `${name} channel ${c}`));
  }
  const title = scale.kind === "diverging" ? "value" : "activation";
  return el("section", { class: "net-col", "data-layer": name, "aria-label": `${name} ${layer.type}` },
    header(name, layer.type, layer.output_shape, layer.parameters, scale, title),
    el("div", { class: `maps ${many ? "maps-2" : "maps-1"}` }, ...buttons));
}

function flattenColumn(net, i) {
  const layer = net.model.layers[i];
  const from = i > 0 ? shapeText(net.model.layers[i - 1].output_shape) : "";
  return el("section", { class: "net-col col-flatten", "data-layer": layer.name, "aria-label": `${layer.name} Flatten` },
    el("p", { class: "flatten-note" },
      el("strong", { text: layer.name }), el("br"),
      `${from} → ${shapeText(layer.output_shape)}`, el("br"),
      el("span", { class: "muted", text: "maps laid end to end" })));
}

function vectorColumn(net, i) {
  const layer = net.model.layers[i];
  const values = Array.from(net.decoded[i].output.data);
  const scale = net.scales[i];
  const canvas = barsCanvas(values, scale, layer.name, zoom());
  canvas.setAttribute("data-bars", layer.name);
  const readout = el("p", { class: "bar-readout num", "aria-hidden": "true" }, "\u00a0");
  canvas.addEventListener("pointermove", (event) => {
    const rect = canvas.getBoundingClientRect();
    const k = Math.min(values.length - 1, Math.max(0, Math.floor(((event.clientY - rect.top) / rect.height) * values.length)));
    readout.textContent = `unit ${k}: ${fixed(values[k], 3)}`;
  });
  canvas.addEventListener("pointerleave", () => { readout.textContent = "\u00a0"; });
  const last = i === net.model.layers.length - 1;
  return el("section", { class: "net-col col-vector", "data-layer": layer.name, "aria-label": `${layer.name} ${layer.type}` },
    header(layer.name, layer.type, layer.output_shape, layer.parameters, scale, last ? "logit" : "value"),
    readout, canvas);
}

function outputColumn(net) {
  const { trace } = net;
  const rows = trace.classes.map((label, k) => {
    const p = trace.probabilities[k];
    const winner = k === trace.index;
    return el("li", {
      class: `prob${winner ? " winner" : ""}${k === trace.target ? " target" : ""}`,
      "data-output-prob": String(k), "data-value": String(p),
      "aria-label": `class ${label}: ${percent(p)}${winner ? ", predicted" : ""}`,
    },
    el("span", { class: "prob-label", text: label }),
    el("span", { class: "prob-bar", "aria-hidden": "true" },
      el("span", { class: "prob-fill", style: `width: ${Math.max(0, Math.min(100, p * 100))}%` })),
    el("span", { class: "prob-value num", text: percent(p, 1) }));
  });
  return el("section", { class: "net-col col-output", "data-layer": "output", "aria-label": "output probabilities" },
    el("div", { class: "col-head" },
      el("h3", {}, el("span", { class: "col-name", text: "output" }), " ", el("span", { class: "col-type", text: "softmax" })),
      el("p", { class: "col-meta num", text: `${trace.classes.length} classes` })),
    el("p", { class: "prediction" }, "Predicted: ", el("strong", { class: "num", text: trace.label })),
    el("ol", { class: "probs" }, ...rows));
}

/** Every column of `net`, from the input (decoded `input` and `saliency`) to the output. */
export function networkColumns(net, input, saliency) {
  const spec = net.model.spec.layers;
  const cols = [inputColumn(net, input, saliency)];
  net.model.layers.forEach((layer, i) => {
    const kind = layerKind(spec[i].type, layer.output_shape);
    if (kind === "maps") cols.push(mapsColumn(net, i));
    else if (kind === "flatten") cols.push(flattenColumn(net, i));
    else cols.push(vectorColumn(net, i));
  });
  cols.push(outputColumn(net));
  return cols;
}
