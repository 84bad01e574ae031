// Greyscale digits as bytes (0-255, ink bright, as MNIST stores them), with no DOM: the rows the
// API takes, and the RGBA of a thumbnail with dark ink on white.

/** `grey` (h×w bytes, row-major) as `h` rows of `w` values in [0, 1], rounded to 4 decimals. */
export function unitRows(grey, h, w) {
  const rows = [];
  for (let r = 0; r < h; r += 1) {
    const row = [];
    for (let c = 0; c < w; c += 1) row.push(Math.round((grey[r * w + c] / 255) * 10000) / 10000);
    rows.push(row);
  }
  return rows;
}

/** `grey` as opaque RGBA bytes with the shades turned around (ink dark on a white ground). */
export function invertedRGBA(grey) {
  const rgba = new Uint8ClampedArray(grey.length * 4);
  for (let j = 0; j < grey.length; j += 1) {
    const v = 255 - grey[j];
    rgba.set([v, v, v, 255], j * 4);
  }
  return rgba;
}
