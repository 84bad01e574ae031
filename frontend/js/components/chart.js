// A small SVG line chart that grows as points arrive: axes with nice ticks and labels, a legend,
// values on hover (and with the arrow keys when focused), and a text summary for screen readers.
// Appending a point extends its line; the whole chart is laid out again only when an axis range
// or the chart's width changes.
import { svg as svgEl } from "./dom.js";
import { compact, fixed, grouped } from "../lib/format.js";
import { integerTicks, niceTicks, stepDecimals } from "../lib/ticks.js";


/**
 * `lineChart(root, options)` fills `root` and returns {append(key, x, y), mark(x, text), reset(),
 * series(key), setX([lo, hi]), dispose()}: `mark` draws a labelled vertical line at x (an event
 * on the run, such as a new learning rate); `dispose` stops following the chart's width.
 * options: title, xLabel, yLabel, series [{key, label, className, markers, hidden}], x [lo, hi]
 * (hi null: from the data), y [lo, hi] (null ends: from the data), format(y) for values,
 * tickFormat(y, step) for the y axis (default: as many decimals as the step needs), xName (e.g.
 * "step"), height (CSS px). x values are whole numbers (steps, epochs).
 */
export function lineChart(root, options) {
  const opts = { format: compact, tickFormat: (v, step) => fixed(v, stepDecimals(step)), xName: "x", height: 260, y: [0, null], x: [0, null], ...options };
  root.classList.add("chart");
  root.replaceChildren();

  const head = document.createElement("div");
  head.className = "chart-head";
  const title = document.createElement("h3");
  title.textContent = opts.title;
  title.id = `chart-${Math.random().toString(36).slice(2, 9)}`;
  const keyList = document.createElement("ul");
  keyList.className = "chart-key";
  for (const s of opts.series) {
    if (s.hidden) continue;
    const item = document.createElement("li");
    const swatch = svgEl("svg", { width: 28, height: 12, "aria-hidden": "true", class: s.className });
    swatch.append(svgEl("line", { x1: 2, y1: 6, x2: 26, y2: 6, class: "line" }));
    item.append(swatch, document.createTextNode(s.label));
    keyList.append(item);
  }
  head.append(title, keyList);

  const frame = document.createElement("div");
  frame.className = "chart-frame";
  const svg = svgEl("svg", { class: "chart-svg", tabindex: "0", role: "img" });
  const summary = document.createElement("p");
  summary.className = "sr-only";
  summary.id = `${title.id}-summary`;
  svg.setAttribute("aria-labelledby", `${title.id} ${summary.id}`);
  const tip = document.createElement("div");
  tip.className = "chart-tip";
  tip.hidden = true;
  tip.setAttribute("aria-live", "polite");
  frame.append(svg, tip);
  const hint = document.createElement("p");
  hint.className = "chart-hint muted";
  hint.textContent = "Hover, or focus the chart and use ← → Home End, to read values.";
  root.append(head, frame, hint, summary);

  const axes = svgEl("g", { class: "axes" });
  const lines = svgEl("g", { class: "lines" });
  const cursor = svgEl("g", { class: "cursor" });
  cursor.style.display = "none";
  const events = svgEl("g", { class: "events" });
  svg.append(axes, events, lines, cursor);
  const eventMarks = []; // [x, text] of the vertical event lines

  const data = new Map(opts.series.map((s) => [s.key, []]));
  const els = new Map();
  for (const s of opts.series) {
    const g = svgEl("g", { class: s.className });
    const line = svgEl("polyline", { class: "line", points: "" });
    const marks = svgEl("g", { class: "marks" });
    g.append(line, marks);
    lines.append(g);
    els.set(s.key, { line, marks, text: "" });
  }

  let width = 600;
  let height = opts.height;
  const margin = { top: 12, right: 18, bottom: 52, left: 76 };
  let xr = null;
  let yr = null;
  let active = -1; // keyboard cursor index into the first series with data

  const px = (x) => margin.left + ((x - xr.min) / (xr.max - xr.min || 1)) * (width - margin.left - margin.right);
  const py = (y) => height - margin.bottom - ((y - yr.min) / (yr.max - yr.min || 1)) * (height - margin.top - margin.bottom);

  function ranges() {
    let xlo = Infinity, xhi = -Infinity, ylo = Infinity, yhi = -Infinity;
    for (const points of data.values()) {
      for (const [x, y] of points) {
        if (x < xlo) xlo = x;
        if (x > xhi) xhi = x;
        if (y < ylo) ylo = y;
        if (y > yhi) yhi = y;
      }
    }
    const [x0, x1] = opts.x;
    const [y0, y1] = opts.y;
    const xlow = x0 ?? (Number.isFinite(xlo) ? xlo : 0);
    const xhigh = x1 ?? (Number.isFinite(xhi) ? Math.max(xhi, xlow + 1) : xlow + 1);
    const ylow = y0 ?? (Number.isFinite(ylo) ? ylo : 0);
    const yhigh = y1 ?? (Number.isFinite(yhi) ? yhi : ylow + 1);
    return {
      x: x1 === null || x1 === undefined ? integerTicks(xlow, xhigh, 5) : { ...integerTicks(xlow, xhigh, 5), min: xlow, max: xhigh },
      y: niceTicks(Math.min(ylow, yhigh), Math.max(ylow, yhigh), 5),
    };
  }

  function drawAxes() {
    axes.replaceChildren();
    const bottom = height - margin.bottom;
    for (const t of yr.ticks) {
      const y = py(t);
      axes.append(svgEl("line", { class: "grid", x1: margin.left, x2: width - margin.right, y1: y, y2: y }));
      const label = svgEl("text", { x: margin.left - 8, y, class: "tick", "text-anchor": "end", "dominant-baseline": "middle" });
      label.textContent = opts.tickFormat(t, yr.step);
      axes.append(label);
    }
    const xt = xr.ticks.filter((t) => t >= xr.min && t <= xr.max);
    for (const t of xt) {
      const x = px(t);
      axes.append(svgEl("line", { class: "tickmark", x1: x, x2: x, y1: bottom, y2: bottom + 5 }));
      const label = svgEl("text", { x, y: bottom + 20, class: "tick", "text-anchor": "middle" });
      label.textContent = grouped(t);
      axes.append(label);
    }
    axes.append(svgEl("line", { class: "axis", x1: margin.left, x2: width - margin.right, y1: bottom, y2: bottom }));
    axes.append(svgEl("line", { class: "axis", x1: margin.left, x2: margin.left, y1: margin.top, y2: bottom }));
    const xl = svgEl("text", { x: (margin.left + width - margin.right) / 2, y: height - 8, class: "axis-label", "text-anchor": "middle" });
    xl.textContent = opts.xLabel;
    const yl = svgEl("text", { x: 0, y: 0, class: "axis-label", "text-anchor": "middle",
      transform: `translate(18 ${(margin.top + bottom) / 2}) rotate(-90)` });
    yl.textContent = opts.yLabel;
    axes.append(xl, yl);
  }

  function drawSeries(key) {
    const el = els.get(key);
    const points = data.get(key);
    el.text = points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ");
    el.line.setAttribute("points", el.text);
    el.marks.replaceChildren();
    const spec = opts.series.find((s) => s.key === key);
    if (spec.markers) for (const [x, y] of points) el.marks.append(svgEl("circle", { cx: px(x), cy: py(y), r: 4.5 }));
  }

  function drawMarks() {
    events.replaceChildren();
    for (const [x, text] of eventMarks) {
      if (x < xr.min || x > xr.max) continue;
      const at = px(x);
      events.append(svgEl("line", { class: "event-line", x1: at, x2: at, y1: margin.top, y2: height - margin.bottom }));
      const label = svgEl("text", { x: at + 4, y: margin.top + 12, class: "event-label" });
      label.textContent = text;
      events.append(label);
    }
  }

  function layout() {
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    const r = ranges();
    xr = r.x;
    yr = r.y;
    drawAxes();
    drawMarks();
    for (const key of data.keys()) drawSeries(key);
    if (active >= 0) showAt(active);
  }

  function sameRange(a, b) { return a.min === b.min && a.max === b.max; }

  function append(key, x, y) {
    if (y === null || y === undefined || !Number.isFinite(y)) return;
    data.get(key).push([x, y]);
    const r = ranges();
    if (!xr || !sameRange(r.x, xr) || !sameRange(r.y, yr)) {
      layout();
    } else {
      const el = els.get(key);
      const point = `${px(x).toFixed(1)},${py(y).toFixed(1)}`;
      el.text = el.text ? `${el.text} ${point}` : point;
      el.line.setAttribute("points", el.text);
      if (opts.series.find((s) => s.key === key).markers) el.marks.append(svgEl("circle", { cx: px(x), cy: py(y), r: 4.5 }));
    }
    scheduleSummary();
  }

  // -- reading values ------------------------------------------------------------------------
  const primary = () => opts.series.map((s) => data.get(s.key)).find((p) => p.length) || [];
  function nearest(points, x) {
    let lo = 0;
    let hi = points.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (points[mid][0] < x) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && Math.abs(points[lo - 1][0] - x) <= Math.abs(points[lo][0] - x)) lo -= 1;
    return lo;
  }
  function showAt(index) {
    const base = primary();
    if (!base.length) return;
    const i = Math.max(0, Math.min(base.length - 1, index));
    const x = base[i][0];
    cursor.replaceChildren(svgEl("line", { class: "guide", x1: px(x), x2: px(x), y1: margin.top, y2: height - margin.bottom }));
    const parts = [`${opts.xName} ${grouped(x)}`];
    for (const s of opts.series) {
      const points = data.get(s.key);
      if (!points.length) continue;
      const j = nearest(points, x);
      if (points[j][0] !== x) continue;
      const g = svgEl("g", { class: s.className });
      g.append(svgEl("circle", { class: "dot", cx: px(x), cy: py(points[j][1]), r: 5 }));
      cursor.append(g);
      parts.push(`${s.label}: ${opts.format(points[j][1])}`);
    }
    cursor.style.display = "";
    tip.textContent = parts.join(" · ");
    tip.hidden = false;
    const left = (px(x) / width) * 100;
    tip.style.left = `${Math.min(70, Math.max(0, left - 15))}%`;
  }
  function hide() {
    cursor.style.display = "none";
    tip.hidden = true;
  }
  svg.addEventListener("pointermove", (event) => {
    const base = primary();
    if (!base.length || !xr) return;
    const box = svg.getBoundingClientRect();
    const sx = ((event.clientX - box.left) / box.width) * width;
    const x = xr.min + ((sx - margin.left) / (width - margin.left - margin.right)) * (xr.max - xr.min);
    active = nearest(base, x);
    showAt(active);
  });
  svg.addEventListener("pointerleave", () => { if (document.activeElement !== svg) { active = -1; hide(); } });
  svg.addEventListener("blur", () => { active = -1; hide(); });
  svg.addEventListener("focus", () => { const n = primary().length; if (n) { active = n - 1; showAt(active); } });
  svg.addEventListener("keydown", (event) => {
    const n = primary().length;
    if (!n) return;
    const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowUp: 1, ArrowDown: -1, PageUp: 10, PageDown: -10 };
    if (event.key in moves) active = Math.max(0, Math.min(n - 1, (active < 0 ? n - 1 : active) + moves[event.key]));
    else if (event.key === "Home") active = 0;
    else if (event.key === "End") active = n - 1;
    else if (event.key === "Escape") { hide(); return; }
    else return;
    event.preventDefault();
    showAt(active);
  });

  // -- the text alternative --------------------------------------------------------------------
  let summaryPending = false;
  function writeSummary() {
    summaryPending = false;
    const parts = [];
    for (const s of opts.series) {
      const points = data.get(s.key);
      if (!points.length) continue;
      const [x, y] = points[points.length - 1];
      let min = points[0];
      for (const p of points) if (p[1] < min[1]) min = p;
      parts.push(`${s.label}: ${points.length} points, latest ${opts.format(y)} at ${opts.xName} ${grouped(x)}, lowest ${opts.format(min[1])} at ${opts.xName} ${grouped(min[0])}`);
    }
    summary.textContent = parts.length ? `${parts.join(". ")}.` : "No data yet.";
  }
  function scheduleSummary() {
    if (summaryPending) return;
    summaryPending = true;
    setTimeout(writeSummary, 250);
  }

  // -- size ------------------------------------------------------------------------------------
  const observer = new ResizeObserver(() => {
    const w = Math.round(frame.clientWidth);
    if (w > 0 && w !== width) {
      width = w;
      height = w < 500 ? Math.max(200, Math.round(opts.height * 0.85)) : opts.height;
      layout();
    }
  });
  observer.observe(frame);
  layout();
  writeSummary();

  return {
    append,
    series: (key) => data.get(key),
    setX(range) { opts.x = range; layout(); },
    mark(x, text) { eventMarks.push([x, text]); if (xr) drawMarks(); },
    dispose() { observer.disconnect(); },
    reset() {
      eventMarks.length = 0;
      for (const points of data.values()) points.length = 0;
      active = -1;
      hide();
      layout();
      writeSummary();
    },
  };
}
