// The Convolution view's backward pass at one position: the upstream gradient g and this
// position's share of dW (g × patch), dX (g × kernel, placed at the window's input cells) and db.
import { extent } from "../../lib/arrays.js";
import { scaleFor } from "../../lib/colour.js";
import { fixed } from "../../lib/format.js";
import { legend } from "../../components/heatmap.js";
import { el } from "../../components/dom.js";
import { gridBox } from "../../components/numbergrid.js";

/** The backward section (hidden until asked for); `ui` holds the nodes the view updates. */
export function backwardSection() {
  const ui = {
    upstreamChoice: el("select", { "data-upstream-choice": true },
      el("option", { value: "logit" }, "∂(predicted class's logit) / ∂(this output)"),
      el("option", { value: "1" }, "g = 1 (to see the pattern)")),
    upstream: el("span", { class: "num", "data-upstream": true }),
    upstreamSource: el("span", { class: "muted", "data-upstream-source": true }),
    dweight: el("div", { class: "grads", "data-dweight": true }),
    dinput: el("div", { class: "grads", "data-dinput": true }),
    dbias: el("span", { class: "num", "data-dbias": true }),
  };
  const g = () => el("em", {}, "g");
  const node = el("section", { class: "backward", "data-backward": true, hidden: true, "aria-label": "Backward pass at this position" },
    el("h3", {}, "Backward: this position's share of the gradients"),
    el("label", {}, "Upstream gradient ", g(), " arriving at this output: ", ui.upstreamChoice),
    el("p", { class: "big-line" }, "Upstream gradient ", g(), " = ", ui.upstream, " ", ui.upstreamSource),
    el("p", {}, el("strong", {}, "dW"), ": each weight's gradient gets ", g(), " × the input value it multiplied (the patch), so filters learn from what they saw."),
    ui.dweight,
    el("p", {}, el("strong", {}, "dX"), ": each input pixel under the window gets ", g(), " × the weight it was multiplied by, added into the input's gradient at that place (nothing reaches padding)."),
    ui.dinput,
    el("p", {}, el("strong", {}, "db"), ": the bias was added once here, so its gradient gets ", g(), " itself: ", ui.dbias, "."));
  ui.backward = node;
  return { node, ui };
}

/** The backward part of the conv-step answer `r`, shown when `direction` is "backward". */
export function renderBackward(ui, r, direction) {
  const b = r.backward;
  ui.backward.hidden = direction !== "backward" || !b;
  if (!b) return;
  ui.upstream.textContent = fixed(b.upstream, 6);
  ui.upstream.dataset.value = String(b.upstream);
  ui.upstreamSource.textContent = b.upstream_source === "logit"
    ? `(∂ logit of class ${b.target_class} / ∂ this output${b.upstream === 0 ? "; 0 here: the ReLU or the max-pool after this cell let nothing through" : ""})`
    : "(given)";
  const dwScale = scaleFor(extent(b.dweight.flat(2)), { signed: true });
  const dxScale = scaleFor(extent(b.dinput.flat(2)), { signed: true });
  const grids = (tensor, scale, what) => tensor.map((vals, c) => {
    const label = tensor.length > 1 ? `${what}, in ch ${c}` : what;
    return gridBox(label, vals, { scale, digits: 4, label, cls: "compact" });
  });
  ui.dbias.textContent = fixed(b.dbias, 6);
  ui.dbias.dataset.value = String(b.dbias);
  const rows = r.rows.join(", ");
  const cols = r.cols.join(", ");
  ui.dweight.replaceChildren(...grids(b.dweight, dwScale, "dW share"), legend(dwScale, "dW"));
  const note = el("p", { class: "small muted", text: `placed at input rows ${rows} and columns ${cols} (values outside 0…${r.input_shape[1] - 1} are padding)` });
  ui.dinput.replaceChildren(...grids(b.dinput, dxScale, "dX share"), legend(dxScale, "dX"), note);
}
