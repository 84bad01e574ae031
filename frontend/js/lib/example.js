// Strokes of example digits, in the 280×280 canvas's coordinates: the Draw view can replay them
// ("Try an example") and the browser tests draw the same shapes with the mouse.

export const EXAMPLE_STROKES = {
  0: [[[140, 50], [100, 70], [80, 140], [100, 210], [140, 230], [180, 210], [200, 140], [180, 70], [140, 50]]],
  1: [[[140, 40], [140, 240]]],
  3: [[[90, 60], [140, 45], [185, 75], [150, 130], [120, 135]], [[150, 135], [190, 175], [165, 225], [90, 225]]],
  7: [[[80, 55], [200, 55], [120, 240]]],
};

/** Points along a polyline every `spacing` pixels (what a pointer would report while drawing). */
export function densify(points, spacing = 6) {
  const out = [points[0]];
  for (let i = 1; i < points.length; i += 1) {
    const [x0, y0] = points[i - 1];
    const [x1, y1] = points[i];
    const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / spacing));
    for (let j = 1; j <= steps; j += 1) {
      out.push([x0 + ((x1 - x0) * j) / steps, y0 + ((y1 - y0) * j) / steps]);
    }
  }
  return out;
}
