// The network view's arithmetic, with no DOM: which layers are maps, how big to draw them, which
// cell a pointer is over, where a receptive-field box sits on a map, and the receptive field of
// a cell named by layer (wrapping geometry.js `receptiveField`, the one place it is computed).
import { receptiveField } from "./geometry.js";

/** "maps" for (C, H, W) outputs, "flatten", "vector" for 1-D outputs (Dense and their activations). */
export function layerKind(type, outputShape) {
  if (type === "Flatten") return "flatten";
  const shape = outputShape.length === 4 ? outputShape.slice(1) : outputShape;
  if (shape.length === 3) return "maps";
  return "vector";
}

/** [H, W] of every layer's output (from `/api/models/{id}` layers[i].output_shape); [1, n] for vectors. */
export function mapSizes(layers) {
  return layers.map((layer) => {
    const shape = layer.output_shape.length === 4 ? layer.output_shape.slice(1) : layer.output_shape;
    return shape.length >= 2 ? shape.slice(-2) : [1, shape[0]];
  });
}

/**
 * CSS width of one map of `height` cells: a whole number of screen pixels per cell, close to
 * `target` (smaller targets for layers with many channels, shown two abreast).
 */
export function mapPixels(height, target = 96) {
  return Math.max(1, Math.round(target / height)) * height;
}

/** The cell {row, col} under point (x, y) of a box `width`×`height` showing an H×W map (clamped). */
export function cellAtPoint(x, y, width, height, rows, cols) {
  const clamp = (v, n) => Math.min(n - 1, Math.max(0, v));
  return {
    row: clamp(Math.floor((y / height) * rows), rows),
    col: clamp(Math.floor((x / width) * cols), cols),
  };
}

/** A box (inclusive rows/cols) on an H×W map as CSS percentages {left, top, width, height}. */
export function boxPercent({ top, left, bottom, right }, rows, cols) {
  return {
    left: (left / cols) * 100,
    top: (top / rows) * 100,
    width: ((right - left + 1) / cols) * 100,
    height: ((bottom - top + 1) / rows) * 100,
  };
}

/**
 * The receptive field of cell (row, col) of layer `index`, named: a list from that layer back to
 * the input, each `{name, index, top, left, bottom, right}` (`name` "input" for position −1).
 */
export function namedField(specLayers, sizes, inputSize, index, row, col) {
  if (index < 0) return [{ name: "input", index: -1, top: row, left: col, bottom: row, right: col }];
  return receptiveField(specLayers, sizes, inputSize, index, row, col).map((box) => ({
    ...box,
    index: box.layer,
    name: box.layer < 0 ? "input" : specLayers[box.layer].name,
  }));
}

/** Channel-by-channel grid placement of a (out, in, kh, kw) weight: {rows: out, cols: in, size: kh*kw}. */
export function kernelGrid(shape) {
  const [out, inn, kh, kw] = shape;
  return { rows: out, cols: inn, kh, kw, size: kh * kw };
}
