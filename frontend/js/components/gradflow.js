// The backward pass through a pooling layer, drawn: the upstream gradient map on the left, the
// gradient map at the pooling layer's input on the right, and (on play) each gradient travelling
// as a dot from its output cell to the input cells it reaches, filling the right map as it lands.
// One canvas, drawn at the device's pixel ratio; `showEnd()` draws the final state at once. The
// maps' names are text above the canvas, not drawn in it: drawn, they shrank with the canvas
// (to ~7 px on a phone); as text they keep the page's size at any width.
import { css } from "../lib/colour.js";
import { windowEdges } from "../lib/pooling.js";
import { el } from "./dom.js";

const W = 1000;          // logical width of the drawing
const LABEL = 16;        // room above the maps, where the dots arc
const GAP = 0.22;        // the space between the maps, as a share of the width

export function reducedMotion() {
  return typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
}

/**
 * A flow diagram in `canvas`. `setData({source, target, routes, scale, labels})`: `source` is the
 * upstream gradient plane, `target` the final input-gradient plane (height, width), `routes` a
 * list of `{from: index in source, to: [[index in target, value], ...]}`, `scale` a colour scale,
 * `labels` the two maps' names (shown above the canvas, which must have a parent by then).
 */
export function gradientFlow(canvas) {
  let data = null;
  let frame = 0;
  let layout = null;
  const context = canvas.getContext("2d");
  // the maps' names over their maps (the canvas's own label says it all to screen readers)
  const names = [el("strong"), el("strong")];
  const caption = el("div", { class: "flow-names", "aria-hidden": "true" }, names[0], el("span"), names[1]);
  caption.style.display = "grid";
  caption.style.alignItems = "end";

  function measure() {
    const { source, target } = data;
    const usable = W * (1 - GAP);
    // the two maps share the usable width in proportion to their sizes, capped to look square
    const srcSide = usable * (source.width / (source.width + target.width));
    const dstSide = usable - srcSide;
    const box = Math.max(srcSide * (source.height / source.width), dstSide * (target.height / target.width));
    layout = {
      src: { x: 0, y: LABEL, cell: srcSide / source.width, plane: source },
      dst: { x: W - dstSide, y: LABEL, cell: dstSide / target.width, plane: target },
      height: LABEL + box + 8,
    };
    caption.style.gridTemplateColumns = `${srcSide}fr ${W - srcSide - dstSide}fr ${dstSide}fr`;
    data.labels.forEach((label, i) => { names[i].textContent = label; });
    if (!caption.isConnected && canvas.parentNode) {
      canvas.before(caption);
      caption.style.maxWidth = getComputedStyle(canvas).maxWidth; // as wide as the canvas
    }
    const ratio = Math.min(3, (typeof devicePixelRatio === "number" && devicePixelRatio) || 1) * 1.2;
    canvas.width = Math.round(W * ratio);
    canvas.height = Math.round(layout.height * ratio);
    canvas.style.aspectRatio = `${W} / ${layout.height}`;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
  }

  function centre(side, index) {
    const { plane } = side;
    const r = Math.floor(index / plane.width);
    const c = index % plane.width;
    return [side.x + (c + 0.5) * side.cell, side.y + (r + 0.5) * side.cell];
  }

  function drawPlane(side, values) {
    const { plane } = side;
    for (let i = 0; i < values.length; i += 1) {
      const r = Math.floor(i / plane.width);
      const c = i % plane.width;
      context.fillStyle = css(data.scale.colour(values[i]));
      context.fillRect(side.x + c * side.cell, side.y + r * side.cell, side.cell + 0.5, side.cell + 0.5);
    }
    context.strokeStyle = "rgba(120,120,120,0.9)";
    context.lineWidth = 1;
    context.strokeRect(side.x, side.y, plane.width * side.cell, plane.height * side.cell);
    // the pooling windows on the input map (their edges, when they tile it without overlapping)
    if (side === layout.dst && data.windows) {
      context.strokeStyle = "rgba(120,120,120,0.45)";
      context.beginPath();
      for (const x of windowEdges(data.windows.cols, plane.width)) {
        context.moveTo(side.x + x * side.cell, side.y);
        context.lineTo(side.x + x * side.cell, side.y + plane.height * side.cell);
      }
      for (const y of windowEdges(data.windows.rows, plane.height)) {
        context.moveTo(side.x, side.y + y * side.cell);
        context.lineTo(side.x + plane.width * side.cell, side.y + y * side.cell);
      }
      context.stroke();
    }
  }

  function draw(accumulated, particles = [], sending = []) {
    context.clearRect(0, 0, W, layout.height);
    drawPlane(layout.src, data.source.data);
    // the outputs whose gradient is on its way
    context.strokeStyle = "#ff8c00";
    context.lineWidth = 3;
    for (const index of sending) {
      const [x, y] = centre(layout.src, index);
      const half = layout.src.cell / 2;
      context.strokeRect(x - half + 1.5, y - half + 1.5, 2 * half - 3, 2 * half - 3);
    }
    drawPlane(layout.dst, accumulated);
    // the arrow between the maps
    const midY = LABEL + 0.5 * data.source.height * layout.src.cell;
    const x0 = layout.src.x + data.source.width * layout.src.cell + 14;
    const x1 = layout.dst.x - 14;
    context.strokeStyle = getComputedStyle(canvas).color || "#222";
    context.globalAlpha = 0.35;
    context.lineWidth = 3;
    context.beginPath();
    context.moveTo(x0, midY);
    context.lineTo(x1, midY);
    context.lineTo(x1 - 12, midY - 8);
    context.moveTo(x1, midY);
    context.lineTo(x1 - 12, midY + 8);
    context.stroke();
    context.globalAlpha = 1;
    for (const p of particles) {
      context.beginPath();
      context.arc(p.x, p.y, p.radius, 0, 2 * Math.PI);
      context.fillStyle = css(data.scale.colour(p.value));
      context.fill();
      context.lineWidth = 2;
      context.strokeStyle = "#ff8c00";
      context.stroke();
    }
  }

  function stop() {
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
  }

  return {
    setData(next) {
      stop();
      data = next;
      measure();
      draw(new Float32Array(data.target.height * data.target.width));
    },
    showEnd() {
      stop();
      if (data) draw(data.target.data);
    },
    /** Animate; resolves when the last dot has landed (or at once with reduced motion). */
    play(onDone) {
      stop();
      if (!data) return;
      if (reducedMotion()) {
        draw(data.target.data);
        if (onDone) onDone();
        return;
      }
      const travel = 700;
      const rows = data.source.height;
      const spread = 2200;
      const flights = [];
      for (const route of data.routes) {
        const r = Math.floor(route.from / data.source.width);
        const c = route.from % data.source.width;
        const start = (spread * (r + c / data.source.width)) / rows;
        const from = centre(layout.src, route.from);
        for (const [to, value] of route.to) {
          flights.push({ start, from, to: centre(layout.dst, to), index: to, value, landed: false, source: route.from });
        }
      }
      const accumulated = new Float32Array(data.target.height * data.target.width);
      const t0 = performance.now();
      const radius = Math.max(4, Math.min(10, layout.dst.cell * 0.45));
      const tick = (now) => {
        const t = now - t0;
        const particles = [];
        const sending = new Set();
        let pending = 0;
        for (const f of flights) {
          const u = (t - f.start) / travel;
          if (u >= 1) {
            if (!f.landed) { accumulated[f.index] += f.value; f.landed = true; }
          } else {
            pending += 1;
            if (u > 0) {
              sending.add(f.source);
              const e = u < 0.5 ? 2 * u * u : 1 - (-2 * u + 2) ** 2 / 2;
              const lift = Math.sin(Math.PI * e) * 60;
              particles.push({
                x: f.from[0] + (f.to[0] - f.from[0]) * e,
                y: f.from[1] + (f.to[1] - f.from[1]) * e - lift,
                radius, value: f.value,
              });
            }
          }
        }
        draw(accumulated, particles, sending);
        if (pending) frame = requestAnimationFrame(tick);
        else {
          frame = 0;
          draw(data.target.data);
          if (onDone) onDone();
        }
      };
      frame = requestAnimationFrame(tick);
    },
    stop,
  };
}
