// Drawing strokes on a canvas the way the Draw view does (round black ink on transparency), so
// every view can fall back to the same example digit when nothing has been drawn yet.
import { EXAMPLE_STROKES, densify } from "../lib/example.js";

export const CANVAS_SIZE = 280;
export const DEFAULT_BRUSH = 18;

/** Draw one stroke (points in 280×280 canvas coordinates) with a round brush. */
export function strokePath(context, points, brush = DEFAULT_BRUSH) {
  const scale = context.canvas.width / CANVAS_SIZE;
  context.save();
  context.strokeStyle = "#000";
  context.fillStyle = "#000";
  context.lineCap = "round";
  context.lineJoin = "round";
  context.lineWidth = brush * scale;
  context.beginPath();
  const [first, ...rest] = points;
  context.moveTo(first[0] * scale, first[1] * scale);
  if (!rest.length) {
    context.arc(first[0] * scale, first[1] * scale, (brush * scale) / 2, 0, 2 * Math.PI);
    context.fill();
  } else {
    for (const [x, y] of rest) context.lineTo(x * scale, y * scale);
    context.stroke();
  }
  context.restore();
}

/** `{image: dataURL}` of example digit `digit` (0, 1, 3 or 7) drawn on a fresh canvas. */
export function exampleDigit(digit = 3) {
  const canvas = document.createElement("canvas");
  canvas.width = CANVAS_SIZE;
  canvas.height = CANVAS_SIZE;
  const context = canvas.getContext("2d");
  for (const stroke of EXAMPLE_STROKES[digit]) strokePath(context, densify(stroke));
  return { image: canvas.toDataURL("image/png") };
}
