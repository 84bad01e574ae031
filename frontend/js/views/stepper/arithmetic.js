// The Convolution view's arithmetic at one position, from POST /conv-step: per input channel
// patch × kernel = products → their sum, then Σ + bias = pre-activation → activation.
import { extent } from "../../lib/arrays.js";
import { scaleFor } from "../../lib/colour.js";
import { fixed } from "../../lib/format.js";
import { channelSums } from "../../lib/stepper.js";
import { el } from "../../components/dom.js";
import { gridBox } from "../../components/numbergrid.js";

/** The arithmetic section; `ui` holds the nodes the view updates. */
export function arithmeticSection() {
  const out = (hook) => el("output", { class: "big num", [hook]: true });
  const ui = {
    channels: el("div", { class: "channels", "data-channels": true }),
    sum: out("data-sum"), bias: out("data-bias"), spb: out("data-sum-plus-bias"),
    actName: el("span", { class: "lbl", "data-activation-name": true }, "activation"),
    act: out("data-activation"),
  };
  const term = (cls, label, output) => el("span", { class: cls }, el("span", { class: "lbl" }, label), output);
  const op = (text) => el("span", { class: "op" }, text);
  const node = el("section", { class: "arith", "aria-label": "The arithmetic at this position", "data-arith": true },
    ui.channels,
    el("div", { class: "total", "aria-live": "off" },
      term("term", "Σ products", ui.sum), op("+"),
      term("term", "bias", ui.bias), op("="),
      term("term star", "pre-activation", ui.spb), op("→"),
      el("span", { class: "term" }, ui.actName, ui.act)));
  return { node, ui };
}

/** The arithmetic of the conv-step answer `r`. */
export function renderArithmetic(ui, r) {
  const multi = r.patch.length > 1;
  const sums = channelSums(r.products);
  const kScale = scaleFor(extent(r.kernel.flat(2)), { signed: true });
  const pScale = scaleFor(extent(r.products.flat(2)), { signed: true });
  const xScale = scaleFor(extent(r.patch.flat(2)));
  const digits = multi ? 2 : 3;
  const blocks = r.patch.map((patch, c) => {
    const block = el("div", { class: `chan ${multi ? "multi" : "single"}` });
    if (multi) block.append(el("span", { class: "chan-label", text: `in ch ${c}` }));
    const g = (vals, scale, label, mask) => gridBox(label, vals, { scale, digits, mask, label: `${label}, input channel ${c}` });
    block.append(
      g(patch, xScale, "patch", r.padding_mask), el("span", { class: "op", text: "×" }),
      g(r.kernel[c], kScale, "kernel"), el("span", { class: "op", text: "=" }),
      g(r.products[c], pScale, "products", r.padding_mask),
    );
    const sum = el("span", { class: "chan-sum" });
    sum.append(el("span", { class: "gridlbl", text: multi ? "channel sum" : "sum" }), el("span", { class: "num", text: fixed(sums[c], 4) }));
    block.append(el("span", { class: "op", text: "→" }), sum);
    return block;
  });
  ui.channels.replaceChildren(...blocks);
  setNumber(ui.sum, r.sum);
  setNumber(ui.bias, r.bias);
  setNumber(ui.spb, r.pre_activation);
  if (r.activation) {
    ui.actName.textContent = `${r.activation.type} (${r.activation.layer})`;
    setNumber(ui.act, r.activation.value);
    ui.act.dataset.type = r.activation.type;
  } else {
    ui.actName.textContent = "no activation";
    setNumber(ui.act, r.pre_activation);
    ui.act.dataset.type = "none";
  }
}

/** `value` shown to 4 decimals, exactly in `data-value`. */
function setNumber(node, value) {
  node.dataset.value = String(value);
  node.textContent = fixed(value, 4);
}

/** "…" in the big numbers while the next answer is on its way. */
export function clearArithmetic(ui) {
  for (const node of [ui.sum, ui.bias, ui.spb, ui.act]) {
    node.textContent = "…";
    delete node.dataset.value;
  }
}
