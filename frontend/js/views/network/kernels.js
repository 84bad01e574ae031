// The Network view's kernels panel: every conv layer's learned weights as small heatmaps, one
// grid per layer (rows = output channels, columns = input channels), with their colour scale.
import { decodeArray, extent } from "../../lib/arrays.js";
import { scaleFor } from "../../lib/colour.js";
import { kernelGrid } from "../../lib/netlayout.js";
import { drawHeatmap, legend } from "../../components/heatmap.js";
import { el } from "../../components/dom.js";

/** The kernels of `trace`'s conv layers in `panel`. */
export function renderKernels(panel, trace) {
  const blocks = [];
  trace.layers.forEach((layer) => {
    if (layer.type !== "Conv2D" || !layer.weight) return;
    const weight = decodeArray(layer.weight);
    const grid = kernelGrid(weight.shape);
    const scale = scaleFor(extent(weight.data), { signed: true });
    const px = Math.max(24, Math.min(48, Math.round(36 / grid.kh) * grid.kh));
    const kernelCanvas = (o, c) => {
      const start = (o * grid.cols + c) * grid.size;
      const map = { height: grid.kh, width: grid.kw, data: weight.data.subarray(start, start + grid.size) };
      const canvas = el("canvas", { role: "img", "data-kernel": `${layer.name}:${o}:${c}`,
        "aria-label": `${layer.name} kernel for output channel ${o}, input channel ${c}` });
      drawHeatmap(canvas, map, scale);
      canvas.style.width = `${px}px`;
      canvas.style.height = `${px}px`;
      return canvas;
    };
    const label = (text, cls) => el("span", { class: `${cls} num`, "aria-hidden": "true", text });
    let gridEl;
    let caption;
    if (grid.cols === 1) {
      // One input channel: one row of kernels, one per output channel, reads better than a column.
      const head = [el("span", { "aria-hidden": "true" })];
      const cells = [label("in 0", "k-row")];
      for (let o = 0; o < grid.rows; o += 1) {
        head.push(label(String(o), "k-col"));
        cells.push(kernelCanvas(o, 0));
      }
      gridEl = el("div", { class: "k-grid", style: `grid-template-columns: auto repeat(${grid.rows}, ${px}px)` }, ...head, ...cells);
      caption = `${grid.rows} kernels of ${grid.kh}×${grid.kw}, one per output channel (numbered above), on the single input channel`;
    } else {
      const head = [el("span", { "aria-hidden": "true" })];
      for (let c = 0; c < grid.cols; c += 1) head.push(label(String(c), "k-col"));
      const cells = [];
      for (let o = 0; o < grid.rows; o += 1) {
        cells.push(label(String(o), "k-row"));
        for (let c = 0; c < grid.cols; c += 1) cells.push(kernelCanvas(o, c));
      }
      gridEl = el("div", { class: "k-grid", style: `grid-template-columns: auto repeat(${grid.cols}, ${px}px)` }, ...head, ...cells);
      caption = `${grid.rows}×${grid.cols} kernels of ${grid.kh}×${grid.kw}: rows = output channels, columns = input channels`;
    }
    blocks.push(el("figure", { class: "k-block", "data-kernels-layer": layer.name },
      el("figcaption", {},
        el("strong", { text: layer.name }), ` ${caption}`),
      legend(scale, "weight"),
      el("div", { class: "k-scroll" }, gridEl)));
  });
  panel.replaceChildren(el("h2", { text: "Kernels (learned weights)" }),
    blocks.length ? el("div", { class: "k-blocks" }, ...blocks) : el("p", { class: "muted", text: "This model has no convolution layers." }));
}
