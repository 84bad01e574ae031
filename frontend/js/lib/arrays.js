// Arrays from the API: `{shape, dtype, data}` (base64 of little-endian float32/int32, C order)
// decoded into typed arrays, and the small helpers views need to slice them into 2-D maps.

/** Bytes of a base64 string (works in browsers and in Node). */
export function base64Bytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** An EncodedArray as `{shape, data}` with `data` a Float32Array or Int32Array. */
export function decodeArray(encoded) {
  const bytes = base64Bytes(encoded.data);
  const Type = encoded.dtype === "int32" ? Int32Array : Float32Array;
  const size = encoded.shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== size * 4) {
    throw new Error(`array of shape ${encoded.shape} needs ${size * 4} bytes, got ${bytes.length}`);
  }
  const data = new Type(bytes.buffer, bytes.byteOffset, size);
  return { shape: [...encoded.shape], data };
}

/** Plane `channel` of a (1, C, H, W) or (C, H, W) array, as `{height, width, data}` (a view). */
export function plane(array, channel) {
  const [h, w] = array.shape.slice(-2);
  const start = channel * h * w;
  return { height: h, width: w, data: array.data.subarray(start, start + h * w) };
}

/** Nested rows (28 lists of 28) as a plane. */
export function fromRows(rows) {
  const height = rows.length;
  const width = height ? rows[0].length : 0;
  const data = new Float32Array(height * width);
  rows.forEach((row, r) => data.set(row, r * width));
  return { height, width, data };
}

/** A plane as nested rows (the `pixels` form the API takes). */
export function toRows({ height, width, data }) {
  return Array.from({ length: height }, (_, r) => Array.from(data.subarray(r * width, (r + 1) * width)));
}

/** [min, max] of the finite values (or [0, 0] when there are none). */
export function extent(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo === Infinity ? [0, 0] : [lo, hi];
}

/** Index of the largest value (the first one on ties, as NumPy's argmax). */
export function argmax(values) {
  let best = 0;
  for (let i = 1; i < values.length; i += 1) if (values[i] > values[best]) best = i;
  return best;
}
