// Section 5 of the Pooling view: the backward convolution stepped position by position — each
// upstream gradient g adds g × the input patch to dW and g × the kernel to dX (POST /api/conv-step).
import * as api from "../../api.js";
import { currentDigit, targetClass } from "../../shell.js";
import { extent, plane } from "../../lib/arrays.js";
import { scaleFor } from "../../lib/colour.js";
import { fixed } from "../../lib/format.js";
import { maxAbs } from "../../lib/pooling.js";
import { legend } from "../../components/heatmap.js";
import { numberGrid } from "../../components/numbergrid.js";
import { el, isAbort, svg } from "../../components/dom.js";
import { powerOf, powerText, stage, windowRect } from "./parts.js";

/** The model's conv layers, as its layer rows (none before the model is described). */
function convLayers(info) {
  return info ? info.layers.filter((l) => l.type === "Conv2D") : [];
}

/** When `local.bconv.layer` is not one of `convs`, start over on a layer picked here. */
function bconvDefaults(convs, { local, store }) {
  if (!convs.some((l) => l.name === local.bconv.layer)) {
    // the conv layer that feeds the chosen pooling layer, else the first
    const rows = local.info.layers;
    const pi = rows.findIndex((l) => l.name === store.state.pool);
    let pick = convs[0].name;
    for (let i = pi - 1; i >= 0; i -= 1) if (rows[i].type === "Conv2D") { pick = rows[i].name; break; }
    local.bconv.layer = pick;
    local.bconv.channel = Number(store.state.map) || 0;
    local.bconv.position = null;
  }
}

/** Section 5 in `section` for `local.bconv` (layer, channel, input channel, position), which
 * its controls change; each position's numbers come from POST /api/conv-step. */
export function renderBackconv(section, view) {
  const { local } = view;
  const convs = convLayers(local.info);
  if (!convs.length || !local.layers) {
    section.replaceChildren(el("h2", { id: "pool-h5", text: "5 · The backward convolution" }),
      el("p", { class: "muted", text: "This model has no convolution layer." }));
    return;
  }
  bconvDefaults(convs, view);
  const b = local.bconv;
  const rows = local.info.layers;
  const index = rows.findIndex((l) => l.name === b.layer);
  const inChannels = rows[index].input_shape[0];
  const out = local.layers[b.layer];
  const channels = out.output.shape[1];
  b.channel = Math.min(b.channel, channels - 1);
  b.input = Math.min(b.input, inChannels - 1);
  const upstream = plane(out.gradient, b.channel);
  const prevName = index > 0 ? rows[index - 1].name : "input";
  const dx = plane(index > 0 ? local.layers[prevName].gradient : local.saliency, b.input);
  const xin = plane(index > 0 ? local.layers[prevName].output : local.inputArray, b.input);
  if (b.position === null || b.position >= upstream.data.length) {
    // start where the largest gradient arrives: the clearest example
    let best = 0;
    for (let i = 1; i < upstream.data.length; i += 1) {
      if (Math.abs(upstream.data[i]) > Math.abs(upstream.data[best])) best = i;
    }
    b.position = best;
  }
  const rerender = () => renderBackconv(section, view);
  const step = () => loadConvStep(parts, view); // `parts`: the nodes made below

  const layerSel = el("select", { "data-bconv-layer": "" }, ...convs.map((l) => el("option", { value: l.name, text: l.name })));
  layerSel.value = b.layer;
  layerSel.addEventListener("change", () => { b.layer = layerSel.value; b.position = null; rerender(); });
  const chSel = el("select", { "data-bconv-channel": "" },
    ...Array.from({ length: channels }, (_, i) => el("option", { value: String(i), text: String(i) })));
  chSel.value = String(b.channel);
  chSel.addEventListener("change", () => { b.channel = Number(chSel.value); b.position = null; rerender(); });
  const inSel = el("select", { "data-bconv-input": "" },
    ...Array.from({ length: inChannels }, (_, i) => el("option", { value: String(i), text: String(i) })));
  inSel.value = String(b.input);
  inSel.addEventListener("change", () => { b.input = Number(inSel.value); rerender(); });

  const back = el("button", { type: "button", "data-bconv-back": "" }, "◀ Back");
  const next = el("button", { type: "button", class: "primary", "data-bconv-next": "" }, "Step ▶");
  const skip = el("button", { type: "button", "data-bconv-skip": "" }, "Next non-zero g ▶▶");
  const posLabel = el("span", { class: "num pool-pos", "data-bconv-position": "" });
  const n = upstream.data.length;
  back.addEventListener("click", () => { b.position = (b.position - 1 + n) % n; step(); });
  next.addEventListener("click", () => { b.position = (b.position + 1) % n; step(); });
  skip.addEventListener("click", () => {
    for (let i = 1; i <= n; i += 1) {
      const p = (b.position + i) % n;
      if (upstream.data[p] !== 0) { b.position = p; break; }
    }
    step();
  });

  const gBound = maxAbs(upstream.data);
  const gScale = scaleFor([-gBound, gBound], { signed: true });
  const up = stage(upstream, gScale, `upstream gradient at ${b.layer} channel ${b.channel}`);
  const posRect = svg("rect", { class: "pool-window", width: 1, height: 1 });
  up.overlay.append(posRect);
  up.root.addEventListener("click", (event) => {
    const box = up.root.getBoundingClientRect();
    const c = Math.min(upstream.width - 1, Math.floor(((event.clientX - box.left) / box.width) * upstream.width));
    const r = Math.min(upstream.height - 1, Math.floor(((event.clientY - box.top) / box.height) * upstream.height));
    b.position = r * upstream.width + c;
    step();
  });

  const dxBound = maxAbs(dx.data);
  const dxScale = scaleFor([-dxBound, dxBound], { signed: true });
  const full = stage(dx, dxScale, `the full gradient at ${prevName}, channel ${b.input}`);
  const shareHolder = el("div", { class: "pool-bconv-share" });
  const sentence = el("p", { class: "pool-sentence", "data-bconv-sentence": "", "aria-live": "polite" });
  const numbers = el("div", { class: "pool-bconv-numbers" });

  section.replaceChildren(
    el("h2", { id: "pool-h5", text: "5 · The backward convolution, step by step" }),
    el("p", {}, "Going back through a convolution, each output position hands its gradient g to two places: ",
      el("strong", { text: "dW" }), " += g × the input patch under the kernel (over all positions: the layer input correlated with the upstream gradient), and ",
      el("strong", { text: "dX" }), " += g × the kernel, stamped where the window was (over all positions: the full convolution of the upstream gradient with the flipped kernel)."),
    el("div", { class: "row pool-controls" },
      el("label", {}, "Conv layer", layerSel), el("label", {}, "Output channel", chSel),
      el("label", {}, "Input channel", inSel)),
    el("div", { class: "row" }, back, next, skip, posLabel),
    sentence,
    el("div", { class: "pool-bconv" },
      el("figure", { class: "pool-fig" }, up.root, el("figcaption", { text: `g: the gradient at ${b.layer}'s output, channel ${b.channel} (click a cell)` })),
      numbers,
      el("figure", { class: "pool-fig" }, shareHolder, el("figcaption", { text: `This position's share of dX, stamped on ${prevName} channel ${b.input}` })),
      el("figure", { class: "pool-fig" }, full.root, el("figcaption", { text: `dX: all the shares summed — the network's gradient at ${prevName}` })),
    ),
    el("div", { class: "row" }, legend(gScale, "upstream gradient g"), legend(dxScale, "dX")),
  );
  const parts = { upstream, posRect, posLabel, sentence, numbers, shareHolder, prevName, xin };
  step();
}

/** Show the position `local.bconv.position` of the section drawn with `parts`. */
async function loadConvStep(parts, { local, store, fresh }) {
  const b = local.bconv;
  const { upstream, posRect, posLabel, sentence, numbers, shareHolder, prevName, xin } = parts;
  const row = Math.floor(b.position / upstream.width);
  const col = b.position % upstream.width;
  posRect.setAttribute("x", col);
  posRect.setAttribute("y", row);
  posLabel.textContent = `position ${b.position + 1} of ${upstream.data.length} · (${row}, ${col})`;
  const signal = fresh("bconv");
  const target = targetClass(store.state, local.info);
  try {
    const step = await api.convStep(store.state.model, currentDigit(), {
      layer: b.layer, channel: b.channel, row, col, direction: "backward",
      ...(target === null ? {} : { target_class: target }),
    }, signal);
    if (signal.aborted) return;
    const bw = step.backward;
    const g = bw.upstream;
    const patch = step.patch[b.input];
    const dW = bw.dweight[b.input];
    const dX = bw.dinput[b.input];
    const pScale = scaleFor(extent(patch.flat()));
    const wBound = maxAbs(dW.flat(), dX.flat());
    const sScale = scaleFor([-wBound, wBound], { signed: true });
    const pP = powerOf(patch);
    const pW = powerOf(dW);
    const pX = powerOf(dX);
    numbers.replaceChildren(
      el("div", { class: "pool-bconv-g" }, el("span", { class: "muted", text: "g =" }),
        el("strong", { class: "num", "data-bconv-g": "", text: fixed(g, 4) })),
      el("div", { class: "pool-bconv-mats" },
        el("figure", {}, numberGrid(patch, { scale: pScale, label: "the input patch", digits: 1, power: pP, cls: "square compact" }), el("figcaption", { text: `input patch${powerText(pP)}` })),
        el("figure", {}, numberGrid(dW, { scale: sScale, label: "this position's share of dW", digits: 1, hook: "data-bconv-dw", power: pW, cls: "square compact" }), el("figcaption", { text: `dW share = g × patch${powerText(pW)}` })),
        el("figure", {}, numberGrid(dX, { scale: sScale, label: "this position's share of dX", digits: 1, hook: "data-bconv-dx", power: pX, cls: "square compact" }), el("figcaption", { text: `dX share = g × kernel${powerText(pX)}` })),
      ),
      el("p", { class: "muted" }, `db share = g = `, el("span", { class: "num", text: fixed(bw.dbias, 4) })),
    );
    // the dX share stamped on the input plane
    const stamp = new Float32Array(xin.height * xin.width);
    step.rows.forEach((r, u) => step.cols.forEach((c, v) => {
      if (r >= 0 && r < xin.height && c >= 0 && c < xin.width) stamp[r * xin.width + c] += dX[u][v];
    }));
    const stampMap = { height: xin.height, width: xin.width, data: stamp };
    const stampBound = maxAbs(stamp);
    const stampScale = scaleFor([-stampBound, stampBound], { signed: true });
    const st = stage(stampMap, stampScale, "this position's share of dX");
    st.overlay.append(windowRect(step.rows, step.cols, { class: "pool-window" }));
    shareHolder.replaceChildren(st.root, legend(stampScale, "dX share"));
    const r0 = Math.max(0, step.rows[0]);
    const r1 = Math.min(xin.height - 1, step.rows.at(-1));
    const c0 = Math.max(0, step.cols[0]);
    const c1 = Math.min(xin.width - 1, step.cols.at(-1));
    sentence.textContent = g === 0
      ? `At output (${row}, ${col}) the gradient g is 0 (this output did not affect the class-${local.trace.target_label} logit, e.g. the ReLU or the max pool after it blocked it), so it adds nothing to dW, db or dX.`
      : `At output (${row}, ${col}) the gradient g = ${fixed(g, 4)} adds g × its ${step.patch[0].length}×${step.patch[0][0].length} input patch to dW, g to db, and g × the kernel to dX at rows ${r0}–${r1}, columns ${c0}–${c1} of ${prevName}.`;
  } catch (error) {
    if (isAbort(error)) return;
    sentence.textContent = "";
    numbers.replaceChildren(el("p", { class: "error", role: "alert", text: `The backward step could not be loaded: ${error.message}` }));
  }
}
