// Colour scales that read the same for every colour vision: a sequential one for activations
// (viridis: dark purple -> yellow, monotonic in lightness) and a diverging one for signed values
// (weights, gradients: blue <- white -> orange, centred on zero). Pure functions: value in, RGB out.

const VIRIDIS = [
  [68, 1, 84], [72, 35, 116], [64, 67, 135], [52, 94, 141], [41, 120, 142],
  [32, 144, 140], [34, 167, 132], [68, 190, 112], [121, 209, 81], [189, 222, 38], [253, 231, 37],
];
// Blue-white-orange (after ColorBrewer PuOr, reversed, with a neutral centre).
const DIVERGING = [
  [33, 102, 172], [103, 169, 207], [209, 229, 240], [247, 247, 247],
  [253, 219, 180], [244, 165, 96], [179, 88, 6],
];

function interpolate(stops, t) {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [stops[i], stops[i + 1]];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f));
}

/** Sequential colour for t in [0, 1]. */
export const sequential = (t) => interpolate(VIRIDIS, t);

/** Diverging colour for t in [-1, 1] (0 is white). */
export const diverging = (t) => interpolate(DIVERGING, (t + 1) / 2);

/**
 * The scale for a set of values: signed values get the diverging scale symmetric around zero
 * (so white always means 0), non-negative ones the sequential scale from 0 (or their minimum
 * when `fromZero` is false). Returns `{kind, min, max, colour(v) -> [r, g, b]}`.
 */
export function scaleFor([lo, hi], { signed = lo < 0, fromZero = true } = {}) {
  if (signed) {
    const bound = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return { kind: "diverging", min: -bound, max: bound, colour: (v) => diverging(v / bound) };
  }
  const min = fromZero ? Math.min(0, lo) : lo;
  const span = hi - min || 1;
  return { kind: "sequential", min, max: min + span, colour: (v) => sequential((v - min) / span) };
}

/** "rgb(r g b)" for CSS. */
export const css = ([r, g, b]) => `rgb(${r} ${g} ${b})`;

/** The text colour readable on background `rgb`: black or white, whichever contrasts more
 * (WCAG relative luminance). Pure black and white are used because with them the better of the
 * two always reaches 4.58:1 (the worst background, luminance 0.18, sits where both are equal),
 * above the 4.5:1 that normal-size text needs; a softer ink such as #111 falls to 4.37:1. */
export function inkOn([r, g, b]) {
  const lin = (c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  const onBlack = (luminance + 0.05) / 0.05;
  const onWhite = 1.05 / (luminance + 0.05);
  return onBlack >= onWhite ? "#000" : "#fff";
}
