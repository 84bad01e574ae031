// A 2-D map drawn as a heatmap: one canvas pixel per value, scaled up by CSS (pixelated), and the
// labelled colour scale that says what the colours mean.
import { extent } from "../lib/arrays.js";
import { css, scaleFor } from "../lib/colour.js";
import { compact } from "../lib/format.js";

/**
 * Draw `map` ({height, width, data}) on `canvas` with `scale` (from `scaleFor`; by default one
 * fitted to the map's own values). Returns the scale used, for a legend.
 */
export function drawHeatmap(canvas, map, scale = scaleFor(extent(map.data))) {
  if (canvas.width !== map.width) canvas.width = map.width;
  if (canvas.height !== map.height) canvas.height = map.height;
  canvas.classList.add("map");
  const context = canvas.getContext("2d");
  const image = context.createImageData(map.width, map.height);
  const pixels = image.data;
  for (let i = 0, j = 0; i < map.data.length; i += 1, j += 4) {
    const [r, g, b] = scale.colour(map.data[i]);
    pixels[j] = r;
    pixels[j + 1] = g;
    pixels[j + 2] = b;
    pixels[j + 3] = 255;
  }
  context.putImageData(image, 0, 0);
  return scale;
}

/** A new canvas showing `map`, `size` CSS pixels wide, with an accessible name. */
export function heatmapCanvas(map, { size = 112, label = "", scale } = {}) {
  const canvas = document.createElement("canvas");
  const used = drawHeatmap(canvas, map, scale);
  canvas.style.width = `${size}px`;
  canvas.style.height = `${(size * map.height) / map.width}px`;
  nameMap(canvas, map, label);
  canvas.scale = used;
  return canvas;
}

/** Give a canvas showing `map` its accessible name: `label`, the map's size and value range. */
export function nameMap(canvas, map, label = "") {
  const [lo, hi] = extent(map.data);
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `${label} ${map.height}×${map.width} map, values ${compact(lo)} to ${compact(hi)}`.trim());
}

/** The colour scale as a bar with its ends (and zero, for a diverging scale) labelled. */
export function legend(scale, title = "") {
  const root = document.createElement("div");
  root.className = "legend";
  const bar = document.createElement("canvas");
  bar.width = 64;
  bar.height = 1;
  const context = bar.getContext("2d");
  for (let x = 0; x < 64; x += 1) {
    context.fillStyle = css(scale.colour(scale.min + ((scale.max - scale.min) * (x + 0.5)) / 64));
    context.fillRect(x, 0, 1, 1);
  }
  bar.setAttribute("aria-hidden", "true");
  const low = document.createElement("span");
  low.className = "num";
  low.textContent = compact(scale.min);
  const high = document.createElement("span");
  high.className = "num";
  high.textContent = compact(scale.max);
  if (title) {
    const heading = document.createElement("span");
    heading.className = "legend-title";
    heading.textContent = scale.kind === "diverging" ? `${title} (white = 0)` : title;
    root.append(heading);
  }
  root.append(low, bar, high);
  root.setAttribute("role", "img");
  root.setAttribute("aria-label", `${title} colour scale from ${compact(scale.min)} to ${compact(scale.max)}`);
  return root;
}
