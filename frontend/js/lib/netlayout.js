// The network view's arithmetic, with no DOM: which layers are maps, which cell a pointer is
// over, where a box sits on a map, and the receptive field of a cell as boxes, read from the
// fields the server composes (`/api/models/{id}` layers[i].receptive_fields).
import { compact } from "./format.js";

/** "maps" for (C, H, W) outputs, "flatten", "vector" for 1-D outputs (Dense and their activations). */
export function layerKind(type, outputShape) {
  if (type === "Flatten") return "flatten";
  const shape = outputShape.length === 4 ? outputShape.slice(1) : outputShape;
  if (shape.length === 3) return "maps";
  return "vector";
}

/** CSS widths of the overview's columns that are not maps, when the layers run left to right. */
export const COLUMN_WIDTHS = { flatten: 28, vector: 40, logits: 104, output: 168 };
/** The caption under the input's saliency map, in CSS px. */
export const SALIENCY_CAPTION = 22;

/**
 * The overview's columns (lib/overview.js `planOverview`) for `layers` (`/api/models/{id}`
 * layers) and `classes` class names: the input and its saliency (two 28×28 maps), each layer's
 * maps, Flatten as a note, vectors as bars, the last layer as bars labelled with the classes
 * ("logits") when it has one unit per class, then the probabilities. Each is
 * `{name, kind, role}` plus the plan's fields (`count`, `h`, `w` or `width`).
 */
export function overviewColumns(layers, inputShape, classes) {
  const [, h, w] = inputShape;
  const columns = [{ name: "input", role: "input", kind: "maps", count: 2, h, w, extra: SALIENCY_CAPTION }];
  layers.forEach((layer, i) => {
    const role = layerKind(layer.type, layer.output_shape);
    if (role === "maps") {
      const [count, mh, mw] = layer.output_shape.slice(-3);
      columns.push({ name: layer.name, role, kind: "maps", count, h: mh, w: mw });
    } else if (role === "flatten") {
      columns.push({ name: layer.name, role, kind: "fixed", width: COLUMN_WIDTHS.flatten });
    } else {
      const labelled = i === layers.length - 1 && layer.output_shape[layer.output_shape.length - 1] === classes.length;
      const kind = labelled ? "logits" : "vector";
      columns.push({ name: layer.name, role: kind, kind: "fixed", width: COLUMN_WIDTHS[kind] });
    }
  });
  columns.push({ name: "output", role: "output", kind: "fixed", width: COLUMN_WIDTHS.output });
  return columns;
}

/**
 * The least width a column's header needs, left to right: its name on one line, and the
 * server's note (`/api/models/{id}` layers[i].note) on one line over maps (their header also
 * holds a colour scale) or in two lines over bars. `width(text, kind)` measures text in CSS px,
 * kind "name" or "note". Two lines break at the space that makes the longer line shortest.
 */
export function headWidth(name, note, maps, width) {
  const named = width(name, "name");
  if (!note) return named;
  const words = note.split(" ");
  let noteWidth = width(note, "note");
  if (!maps) {
    for (let k = 1; k < words.length; k += 1) {
      const lines = [words.slice(0, k).join(" "), words.slice(k).join(" ")];
      noteWidth = Math.min(noteWidth, Math.max(...lines.map((line) => width(line, "note"))));
    }
  }
  return Math.max(named, noteWidth);
}

/** How many lines `text` takes wrapped at spaces into `maxWidth` CSS px (`width(text)` measures
 * it), as a browser wraps it: as many words on each line as fit, a longer word alone. */
export function lineCount(text, maxWidth, width) {
  let lines = 0;
  let line = "";
  for (const word of text.split(" ")) {
    const longer = line ? `${line} ${word}` : word;
    if (line && width(longer) > maxWidth) { lines += 1; line = word; } else line = longer;
  }
  return lines + (line ? 1 : 0);
}

/** A colour scale's range in a few characters, for a column as narrow as its maps: "±4.08"
 * for a signed scale (symmetric about 0), else "0–5.82". */
export function rangeText(scale) {
  return scale.kind === "diverging" ? `±${compact(scale.max)}` : `${compact(scale.min)}–${compact(scale.max)}`;
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

/** One axis of a server's field (`{size, jump, start}`) at cell `i`, clipped to `n` positions:
 * [first, last], or null when it reads only padding. */
function span(axis, i, n) {
  const first = axis.start + i * axis.jump;
  const lo = Math.max(0, first);
  const hi = Math.min(n - 1, first + axis.size - 1);
  return hi < lo ? null : [lo, hi];
}

/**
 * The receptive field of cell (row, col) of layer `index` (−1: the input image) as boxes: the
 * cell itself, then each earlier map from the nearest back to the input, each
 * `{name, index, size: [H, W] of that map, top, left, bottom, right}` (inclusive, clipped to
 * the map; `index` −1 and name "input" for the image). `layers` are `/api/models/{id}` layers,
 * `inputShape` its input_shape. A map the field reads only through padding is left out.
 */
export function fieldBoxes(layers, inputShape, index, row, col) {
  const sizeOf = (at) => (at < 0 ? inputShape : layers[at].output_shape).slice(-2);
  const cell = { top: row, left: col, bottom: row, right: col };
  if (index < 0) return [{ name: "input", index: -1, size: sizeOf(-1), ...cell }];
  const boxes = [{ name: layers[index].name, index, size: sizeOf(index), ...cell }];
  for (const field of [...layers[index].receptive_fields].reverse()) {
    const at = field.layer === "input" ? -1 : layers.findIndex((layer) => layer.name === field.layer);
    const size = sizeOf(at);
    const rows = span(field.rows, row, size[0]);
    const cols = span(field.cols, col, size[1]);
    if (rows && cols) boxes.push({ name: field.layer, index: at, size, top: rows[0], left: cols[0], bottom: rows[1], right: cols[1] });
  }
  return boxes;
}

/** Channel-by-channel grid placement of a (out, in, kh, kw) weight: {rows: out, cols: in, size: kh*kw}. */
export function kernelGrid(shape) {
  const [out, inn, kh, kw] = shape;
  return { rows: out, cols: inn, kh, kw, size: kh * kw };
}
