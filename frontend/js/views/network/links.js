// The Network view's connections, in an SVG beneath the columns: for a conv, every input map
// to every output map; for pooling and activations, map to map; for Flatten and dense layers, a
// band. All light; the maps that feed the hovered or selected map are drawn again, highlighted.
import { bandPoints, connectionPairs, curvePath, edgePoint, linkKind } from "../../lib/overview.js";
import { svg } from "../../components/dom.js";
import { boxIn, zoomOf } from "./boxes.js";

/**
 * Measure the connections between consecutive sections of `cols` (each `[data-layer]` with its
 * `[data-block]` and `[data-unit]`s), relative to `stage`. `columns` are their descriptors
 * (lib/netlayout.js `overviewColumns`), `types` the layer type of each (null for input and
 * output). Returns one entry per joint: `{layer, kind, lines: [{from, to, d}], band}`.
 */
export function measureLinks(stage, cols, columns, types, across) {
  const zoom = zoomOf(stage);
  const sections = [...cols.children];
  const links = [];
  for (let k = 1; k < sections.length; k += 1) {
    const fromUnits = [...sections[k - 1].querySelectorAll("[data-unit]")];
    const toUnits = [...sections[k].querySelectorAll("[data-unit]")];
    const kind = linkKind(columns[k - 1].role, columns[k].role, types[k], fromUnits.length, toUnits.length, across);
    const entry = { layer: columns[k].name, kind, lines: [], band: null };
    if (kind === "band") {
      const from = sections[k - 1].querySelector("[data-block]");
      const to = sections[k].querySelector("[data-block]");
      if (from && to) entry.band = bandPoints(boxIn(from, stage, zoom), boxIn(to, stage, zoom), across);
    } else {
      const outs = fromUnits.map((node) => edgePoint(boxIn(node, stage, zoom), "out", across));
      const ins = toUnits.map((node) => edgePoint(boxIn(node, stage, zoom), "in", across));
      for (const [i, j] of connectionPairs(kind, outs.length, ins.length)) {
        entry.lines.push({ from: i, to: j, d: curvePath(outs[i], ins[j], across) });
      }
    }
    links.push(entry);
  }
  return links;
}

/** Draw `links` in `node` (an SVG `width`×`height`); the fan-in of `hot` ({layer, channel}, or
 * null) again on top, highlighted. */
export function paintLinks(node, links, width, height, hot) {
  node.setAttribute("width", String(Math.ceil(width)));
  node.setAttribute("height", String(Math.ceil(height)));
  node.setAttribute("viewBox", `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`);
  const base = svg("g", { class: "links-base" });
  for (const link of links) {
    if (link.band) base.append(svg("polygon", { class: "link-band", points: link.band }));
    if (link.lines.length) base.append(svg("path", { class: "link", d: link.lines.map((line) => line.d).join("") }));
  }
  node.replaceChildren(base, svg("g", { class: "links-hot", "data-links-hot": "" }));
  highlightLinks(node, links, hot);
}

/** Redraw only the highlighted fan-in: the lines into map `hot.channel` of layer `hot.layer`. */
export function highlightLinks(node, links, hot) {
  const group = node.querySelector("[data-links-hot]");
  if (!group) return;
  group.replaceChildren();
  if (!hot) return;
  const link = links.find((entry) => entry.layer === hot.layer);
  if (!link) return;
  const lines = link.lines.filter((line) => line.to === hot.channel);
  if (lines.length) group.append(svg("path", { class: "link-hot", "data-fan-in": `${hot.layer}:${hot.channel}`, d: lines.map((line) => line.d).join("") }));
}
