// The Network view's overview planned with no DOM: one scale for every map (CSS pixels per
// cell, so a 14×14 map is drawn half as wide as a 28×28 one), how each layer's maps stack or
// wrap, and whether the layers run left to right or top to bottom, so that the whole network
// fits the space it is given; where the detail panel of a clicked map goes; how far to scroll
// to show it; which maps feed which.

/** How finely the scale is searched, in CSS pixels per cell. */
const STEP = 0.05;
/** The share of the largest scale one stack of maps per layer must keep to be chosen. */
const SINGLE_STACK_LOSS = 0.7;

/**
 * The overview's plan for `columns`, each `{kind: "maps", role, count, h, w, extra}` (count maps
 * of h×w cells; `extra` CSS px more along the stack, e.g. a caption) or `{kind: "fixed", role,
 * width}` (bars, notes: their width when laid left to right); either may have `headWidth`, the
 * least width its header's text needs left to right (it may overhang into the gaps). `space`: `{width, height}` for the
 * maps (height: the tallest stack when left to right), `gap` between maps, `columnGap` the
 * least room between columns (the connections' room), `minSlot` a column's least width (its
 * header), `minTarget` a map button's least width and height (the canvas is centred in it),
 * `minCell`/`maxCell` the scale's range; for top to bottom, `rows` (see `planRows`).
 *
 * Left to right is chosen when it fits at `minCell` or more, with the largest scale that fits
 * (or, when no scale fits the height, when it fits the width with every layer in one stack at
 * `minCell`, taller than the height); else top to bottom, one row per layer (`planRows`).
 * Returns `{orientation: "horizontal"|"vertical", cell, slots}`, one slot per column: maps get
 * `{perLine, lines, mapWidth, mapHeight, boxWidth, boxHeight, width, height}` (perLine buttons
 * of boxWidth×boxHeight side by side, in `lines` lines, each centring its map), fixed columns
 * `{width}` (and `height` top to bottom).
 */
export function planOverview(columns, space) {
  const { minCell, maxCell } = space;
  const across = (stacks, height) => {
    for (const cell of scales(maxCell, minCell)) {
      const slots = horizontal(columns, { ...space, height }, cell, stacks);
      if (slots) return { orientation: "horizontal", cell, slots };
    }
    return null;
  };
  // One stack per layer reads best (each line joins two maps in plain sight): kept unless
  // one stack costs more than 30% of the scale stacking side by side reaches.
  const single = across(1, space.height);
  const stacked = across(Infinity, space.height);
  if (single && (!stacked || single.cell >= stacked.cell * SINGLE_STACK_LOSS)) return single;
  if (stacked) return stacked;
  // Too low for every layer (a zoomed page, a short window): left to right all the same when
  // the width allows it, one stack per layer as tall as the smallest scale makes it (the page
  // scrolls down a little) rather than a long column of layers.
  const tallest = Math.max(0, ...columns.filter((c) => c.kind === "maps")
    .map((c) => block(c, mapBox(c, minCell, space.minTarget), 1, space.gap).height));
  const taller = tallest > space.height ? horizontal(columns, { ...space, height: tallest }, minCell, 1) : null;
  if (taller) return { orientation: "horizontal", cell: minCell, slots: taller };
  return { orientation: "vertical", ...planRows(columns, { gap: space.gap, minTarget: space.minTarget, ...space.rows }) };
}

/**
 * Top to bottom (a narrow screen, a phone): one row per column, its name in a label column
 * `labelWidth` wide (its gap included) on the left, its maps side by side in the `width` left,
 * in at most `maxLines` lines; a row at least `minRow` tall (its label); `rowGap` between rows;
 * a fixed column is a row `heights[role]` tall (else `minRow`), any row at least its column's
 * `rowHeight` when it has one (a label longer than the usual lines); captions (`extra`) sit beside
 * the maps, so they add no height. The scale is the largest from `maxCell` down to `minCell`
 * whose rows all fit `height` (the whole network on one screen), else `minCell` (the page
 * scrolls down), else whatever keeps the widest map inside the width, wrapping as it takes.
 *
 * Where a map is smaller than `minTarget` and `rowTargets` is set (a touch screen), the row is
 * the target (`rowTarget: true`, boxes as small as the maps): a finger cannot pick one map of
 * a few pixels, so a tap opens the layer's maps, large enough to pick. The input (role
 * "input"), one image, keeps its button. Returns `{cell, slots}`.
 */
export function planRows(columns, space) {
  for (const cell of scales(space.maxCell, space.minCell)) {
    const slots = rows(columns, space, cell, space.maxLines);
    if (slots && rowsHeight(slots, space.rowGap) <= space.height) return { cell, slots };
  }
  const smallest = rows(columns, space, space.minCell, space.maxLines);
  if (smallest) return { cell: space.minCell, slots: smallest };
  const widest = Math.max(1, ...columns.filter((c) => c.kind === "maps").map((c) => c.w));
  const cell = round(Math.min(space.minCell, (space.width - space.labelWidth) / widest));
  return { cell, slots: rows(columns, space, cell, Infinity) };
}

/** How tall rows `slots` are, `gap` apart. */
export function rowsHeight(slots, gap) {
  return slots.reduce((sum, slot) => sum + slot.height, 0) + gap * Math.max(0, slots.length - 1);
}

const round = (value) => Math.round(value * 1000) / 1000;

/** The scales tried, from `high` down to `low` by STEP (counted, so no rounding drift). */
function scales(high, low) {
  const count = Math.floor(round((high - low) / STEP)) + 1;
  return Array.from({ length: Math.max(0, count) }, (_, i) => round(high - i * STEP));
}

function mapBox(column, cell, minTarget = 0) {
  const mapWidth = Math.max(1, Math.round(column.w * cell));
  const mapHeight = Math.max(1, Math.round(column.h * cell));
  return { mapWidth, mapHeight, boxWidth: Math.max(mapWidth, minTarget), boxHeight: Math.max(mapHeight, minTarget) };
}

function block(column, box, perLine, gap) {
  const lines = Math.ceil(column.count / perLine);
  return {
    perLine, lines, ...box,
    width: perLine * box.boxWidth + (perLine - 1) * gap,
    height: lines * box.boxHeight + (lines - 1) * gap + (column.extra || 0),
  };
}

/** Maps stacked in as few side-by-side stacks (at most `maxStacks`) as keep each column
 * within the height; null when that is not enough or the columns are wider than the width. */
function horizontal(columns, space, cell, maxStacks) {
  const { width, height, gap, columnGap, minSlot } = space;
  const slots = [];
  let total = columnGap * (columns.length - 1);
  for (const column of columns) {
    // a header is centred on its column, so it may reach half the gap into each neighbour's side
    const head = (column.headWidth || 0) - columnGap;
    if (column.kind !== "maps") {
      const wide = Math.max(column.width, head);
      slots.push({ width: wide });
      total += wide;
      continue;
    }
    const box = mapBox(column, cell, space.minTarget);
    let fitting = null;
    for (let stacks = 1; stacks <= Math.min(column.count, maxStacks) && !fitting; stacks += 1) {
      // perLine is the number of stacks: maps fill a grid row by row, `stacks` to a row
      const candidate = block(column, box, stacks, gap);
      if (candidate.height <= height) fitting = candidate;
    }
    if (!fitting) return null;
    fitting.width = Math.max(fitting.width, minSlot, head);
    slots.push(fitting);
    total += fitting.width;
  }
  return total <= width ? slots : null;
}

/** Each column a row (`planRows`) at scale `cell`; null when a layer needs more than
 * `maxLines` lines or a map is wider than the room. */
function rows(columns, space, cell, maxLines) {
  const { gap, minRow, heights = {} } = space;
  const width = space.width - space.labelWidth;
  const slots = [];
  for (const column of columns) {
    if (column.kind !== "maps") {
      slots.push({ width, height: Math.max(heights[column.role] || minRow, column.rowHeight || 0) });
      continue;
    }
    const plain = mapBox(column, cell);
    // the input, one image, keeps its own button
    const rowTarget = Boolean(space.rowTargets) && column.role !== "input" && Math.min(plain.mapWidth, plain.mapHeight) < space.minTarget;
    const box = rowTarget ? plain : mapBox(column, cell, space.minTarget);
    const most = Math.min(column.count, Math.floor((width + gap) / (box.boxWidth + gap)));
    if (most < 1) return null;
    // as many maps in each line as the lines allow (16 in two lines: 8 and 8, not 15 and 1)
    const perLine = Math.ceil(column.count / Math.ceil(column.count / most));
    const placed = block({ ...column, extra: 0 }, box, perLine, gap);
    if (placed.lines > maxLines) return null;
    slots.push({ ...placed, height: Math.max(placed.height, minRow, column.rowHeight || 0), rowTarget });
  }
  return slots;
}

/**
 * Where the detail panel of a clicked map goes inside the overview (all in CSS px relative to
 * it): beside the map, on the right when `size.width` fits there, else on the left, else below
 * it across the whole width (a phone). `anchor` is the map's {left, top, right, bottom},
 * `stage` the overview's {width, height}. Returns {left, top, side: "right"|"left"|"below"}.
 */
export function placeDetail(anchor, size, stage, margin = 8) {
  const below = () => ({ left: 0, top: anchor.bottom + margin, side: "below" });
  const top = Math.max(0, Math.min(anchor.top, stage.height - size.height));
  if (anchor.right + margin + size.width <= stage.width) return { left: anchor.right + margin, top, side: "right" };
  if (anchor.left - margin - size.width >= 0) return { left: anchor.left - margin - size.width, top, side: "left" };
  return below();
}

/**
 * How far to scroll the page (positive: down) so that a box {top, bottom} in viewport
 * coordinates lies between `viewTop` (below a sticky header) and `viewBottom`, with `margin`
 * to spare; 0 when it already does. A box taller than the room shows its top.
 */
export function revealBy(box, viewTop, viewBottom, margin = 8) {
  if (box.top < viewTop + margin) return box.top - viewTop - margin;
  if (box.bottom > viewBottom - margin) return Math.min(box.bottom - viewBottom + margin, box.top - viewTop - margin);
  return 0;
}

/** Lines beyond which "every input map feeds every output map" is drawn as a band. */
export const MAX_LINES = 1024;

/**
 * How layer `type` connects the `from` units before it to its `to` units: "all" (a conv: every
 * input map feeds every output map), "one" (pooling, activations, softmax: unit i feeds unit
 * i), or "band" (Flatten and Dense, where every value feeds every unit, and a conv with more
 * than MAX_LINES pairs).
 */
export function connectionKind(type, from, to) {
  if (type === "Conv2D") return from * to <= MAX_LINES ? "all" : "band";
  if (type === "Flatten" || type === "Dense") return "band";
  return from === to ? "one" : "band";
}

/** The [from, to] pairs drawn as lines for a connection `kind` ("band": none). */
export function connectionPairs(kind, from, to) {
  if (kind === "all") return Array.from({ length: from * to }, (_, k) => [k % from, Math.floor(k / from)]);
  if (kind === "one") return Array.from({ length: Math.min(from, to) }, (_, i) => [i, i]);
  return [];
}

/**
 * How the column of role `to` (with layer `type`) is joined to the column of role `from`
 * before it, holding `fromUnits` and `toUnits` units (maps, or rows of labelled bars): a
 * column of bars or the Flatten note is one block, so a band; top to bottom (`across` false),
 * anything but maps is joined by a band too (rows of a list would cross). Else
 * `connectionKind`.
 */
export function linkKind(from, to, type, fromUnits, toUnits, across) {
  const blocks = ["vector", "flatten"];
  if (blocks.includes(from) || blocks.includes(to)) return "band";
  if (!across && to !== "maps") return "band";
  return connectionKind(type, fromUnits, toUnits);
}

/** A smooth line from point a to point b ([x, y]), leaving and arriving along the flow
 * (left to right when `across`, else top to bottom), as SVG path data. */
export function curvePath([x1, y1], [x2, y2], across) {
  const r = (v) => Math.round(v * 10) / 10;
  if (across) {
    const dx = (x2 - x1) / 2;
    return `M${r(x1)} ${r(y1)}C${r(x1 + dx)} ${r(y1)} ${r(x2 - dx)} ${r(y2)} ${r(x2)} ${r(y2)}`;
  }
  const dy = (y2 - y1) / 2;
  return `M${r(x1)} ${r(y1)}C${r(x1)} ${r(y1 + dy)} ${r(x2)} ${r(y2 - dy)} ${r(x2)} ${r(y2)}`;
}

/** The point of box {left, top, right, bottom} a line leaves from (`side` "out") or arrives
 * at ("in"): the middle of the edge facing the flow. */
export function edgePoint(box, side, across) {
  if (across) return [side === "out" ? box.right : box.left, (box.top + box.bottom) / 2];
  return [(box.left + box.right) / 2, side === "out" ? box.bottom : box.top];
}

/** A band joining the facing edges of two boxes, as SVG polygon points. */
export function bandPoints(from, to, across) {
  const corners = across
    ? [[from.right, from.top], [to.left, to.top], [to.left, to.bottom], [from.right, from.bottom]]
    : [[from.left, from.bottom], [from.right, from.bottom], [to.right, to.top], [to.left, to.top]];
  return corners.map(([x, y]) => `${Math.round(x * 10) / 10},${Math.round(y * 10) / 10}`).join(" ");
}
