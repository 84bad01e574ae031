// Section 3 of the Pooling view: the backward pass through the pooling layer animated, gradients
// flying to the winners (max pooling, the trace's indices) or spread evenly over the windows the
// API lists (average), each checked against the network's own backward pass in the trace.
import { compact } from "../../lib/format.js";
import { scaleFor } from "../../lib/colour.js";
import { avgPoolBackward, maxAbs, maxDifference, maxPoolBackward } from "../../lib/pooling.js";
import { announce } from "../../shell.js";
import { legend } from "../../components/heatmap.js";
import { gradientFlow, reducedMotion } from "../../components/gradflow.js";
import { el } from "../../components/dom.js";

/** Section 3 in `section` for the pool context `ctx`, gradients of the class `label`; the view's
 * `root` carries data-backprop (ready, playing, done). Returns the flows ({ flow, data }). */
export function renderBackprop(section, ctx, { root, label }) {
  const { height, width } = ctx.input;
  const routedMax = ctx.indices ? maxPoolBackward(ctx.grad, ctx.indices, height, width) : null;
  const { windows } = ctx.step;
  const routedAvg = avgPoolBackward(ctx.grad, windows, height, width);
  const [kh, kw] = ctx.geometry.kernel;
  const cells = kh * kw;
  const bound = maxAbs(ctx.grad.data, ctx.inputGrad.data);
  const scale = scaleFor([-bound, bound], { signed: true });
  const play = el("button", { class: "primary pool-play", type: "button", "data-backprop-play": "" }, "▶ Play the backward pass");
  const show = el("button", { type: "button", "data-backprop-end": "" }, "Show the result");
  const state = el("p", { class: "muted", "data-backprop-state": "", "aria-live": "polite" });

  const blocks = [];
  const flows = [];
  if (routedMax) {
    const routes = [];
    for (let i = 0; i < ctx.grad.data.length; i += 1) {
      if (ctx.grad.data[i] !== 0) routes.push({ from: i, to: [[ctx.indices[i], ctx.grad.data[i]]] });
    }
    const canvas = el("canvas", { class: "pool-flow", "data-backprop-max": "", role: "img",
      "aria-label": `Max pooling backward: each of the ${ctx.grad.data.length} upstream gradients of ${ctx.name} goes to its window's winner in ${ctx.prevName}; the other cells get 0.` });
    const flow = gradientFlow(canvas);
    flows.push({ flow, data: { source: ctx.grad, target: routedMax, routes, scale, windows,
      labels: [`∂logit/∂${ctx.name}  (${ctx.grad.height}×${ctx.grad.width})`, `∂logit/∂${ctx.prevName}  (${height}×${width})`] } });
    const diff = maxDifference(routedMax.data, ctx.inputGrad.data);
    const matches = diff <= 1e-5 * bound + 1e-7;
    blocks.push(el("div", { class: "pool-flow-block" },
      el("h3", { text: `Max pooling: all of g goes to the winner` }),
      canvas,
      el("p", { class: matches ? "pool-check good" : "pool-check bad", "data-backprop-check": matches ? "match" : "mismatch" },
        matches
          ? `✓ Matches the network's backward pass: routing the gradients to the winners gives the trace's gradient at ${ctx.prevName} (largest difference ${compact(diff)}).`
          : `✗ Differs from the network's gradient at ${ctx.prevName} by up to ${compact(diff)}.`),
    ));
  }
  {
    const routes = [];
    for (let r = 0; r < ctx.grad.height; r += 1) {
      for (let c = 0; c < ctx.grad.width; c += 1) {
        const g = ctx.grad.data[r * ctx.grad.width + c];
        if (g === 0) continue;
        const to = [];
        for (const i of windows.rows[r]) {
          for (const j of windows.cols[c]) if (i >= 0 && i < height && j >= 0 && j < width) to.push([i * width + j, g / cells]);
        }
        routes.push({ from: r * ctx.grad.width + c, to });
      }
    }
    const canvas = el("canvas", { class: "pool-flow", "data-backprop-avg": "", role: "img",
      "aria-label": `Average pooling backward: each upstream gradient is spread evenly, g / ${cells}, over its ${kh}×${kw} window.` });
    const flow = gradientFlow(canvas);
    flows.push({ flow, data: { source: ctx.grad, target: routedAvg, routes, scale, windows,
      labels: [`∂logit/∂output  (${ctx.grad.height}×${ctx.grad.width})`, `∂logit/∂input  (${height}×${width})`] } });
    let note;
    if (ctx.isMax) {
      note = el("p", { class: "muted", text: `Spread here for comparison: every cell of a window gets 1/${cells} of the blame, so the gradient map is blurrier and weaker.` });
    } else {
      const diff = maxDifference(routedAvg.data, ctx.inputGrad.data);
      const matches = diff <= 1e-5 * bound + 1e-7;
      note = el("p", { class: matches ? "pool-check good" : "pool-check bad", "data-backprop-check": matches ? "match" : "mismatch" },
        matches
          ? `✓ Matches the network's backward pass: spreading each gradient evenly gives the trace's gradient at ${ctx.prevName} (largest difference ${compact(diff)}).`
          : `✗ Differs from the network's gradient at ${ctx.prevName} by up to ${compact(diff)}.`);
    }
    blocks.push(el("div", { class: "pool-flow-block" },
      el("h3", { text: `Average pooling: g is spread evenly, g / ${cells} to each cell` }),
      canvas,
      note,
    ));
  }
  const zeros = ctx.grad.data.filter((g) => g === 0).length;
  section.replaceChildren(
    el("h2", { id: "pool-h3", text: "3 · The backward pass through pooling" }),
    el("p", {}, `Each output of ${ctx.name} receives a gradient: how much the logit of class ${label} would change if that output grew. `
      + (ctx.isMax
        ? "Max pooling passes it back only to the cell that won the window — the others did not affect the output, so their gradient is 0."
        : "Average pooling shares it equally among the cells of the window.")
      + (zeros ? ` (${zeros} of ${ctx.grad.data.length} outputs get no gradient at all here.)` : "")),
    el("div", { class: "row" }, play, show, legend(scale, `gradient of the class-${label} logit`)),
    state,
    ...blocks,
  );
  for (const { flow, data } of flows) flow.setData(data);
  const finish = () => { state.textContent = "Done: every gradient has reached its input cell."; root.dataset.backprop = "done"; };
  play.addEventListener("click", () => {
    root.dataset.backprop = "playing";
    let left = flows.length;
    state.textContent = reducedMotion() ? "" : "The gradients are flowing back…";
    for (const { flow } of flows) flow.play(() => { left -= 1; if (!left) finish(); });
    announce("Backward pass played: the gradients reached their winners.");
  });
  show.addEventListener("click", () => { for (const { flow } of flows) flow.showEnd(); finish(); });
  if (reducedMotion()) { for (const { flow } of flows) flow.showEnd(); finish(); }
  else root.dataset.backprop = "ready";
  return flows;
}
