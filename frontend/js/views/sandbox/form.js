// The sandbox's form: the operation, the input and kernel typed as text, the pool size, stride,
// padding, dilation, flip and the upstream gradient. It reads into the link's keys
// (lib/sandbox's stateFromForm) and shows a request read from a link (formFromRequest).
import { formFromRequest, stateFromForm } from "../../lib/sandbox.js";
import { el } from "../../components/dom.js";

const numberField = (hook, min, max, placeholder = null) => el("input", {
  type: "number", [hook]: true, min: String(min), max: String(max), step: "1", inputmode: "numeric", placeholder,
});
const matrixField = (hook, rows, placeholder) => el("textarea", {
  [hook]: true, rows: String(rows), spellcheck: "false", autocomplete: "off", placeholder,
});

/** The form; `onEdit()` is called on every change the user makes. Returns `{node, read, fill}`. */
export function sandboxForm(onEdit) {
  const f = {
    op: el("select", { "data-sb-op": true },
      el("option", { value: "conv", text: "Convolution" }),
      el("option", { value: "maxpool", text: "Max pooling" }),
      el("option", { value: "avgpool", text: "Average pooling" })),
    input: matrixField("data-sb-input", 3, "1 3 2 4 (one line: a signal; more lines: a matrix)"),
    kernel: matrixField("data-sb-kernel", 2, "1 0 -1"),
    grad: matrixField("data-sb-grad", 2, "all ones"),
    pool: numberField("data-sb-pool", 1, 7),
    stride: numberField("data-sb-stride", 1, 8, "auto"),
    padding: el("select", { "data-sb-padding": true },
      el("option", { value: "valid", text: "valid (0)" }), el("option", { value: "same", text: "same" }),
      el("option", { value: "full", text: "full" }), el("option", { value: "number", text: "a number…" })),
    padnum: numberField("data-sb-padnum", 0, 8),
    dilation: numberField("data-sb-dilation", 1, 4),
    flip: el("input", { type: "checkbox", "data-sb-flip": true }),
  };
  const only = {
    conv: [
      el("label", { class: "sb-field sb-matrix" }, "Kernel ", f.kernel),
      el("label", {}, "Dilation ", f.dilation),
      el("label", { class: "switch" }, f.flip, " Flip the kernel (true convolution)"),
    ],
    pool: [el("label", {}, "Pool size ", f.pool)],
  };
  const padnumLabel = el("label", {}, "Padding p ", f.padnum);
  const node = el("div", { class: "sb-form" },
    el("div", { class: "sb-matrices" },
      el("label", { class: "sb-field sb-matrix" }, "Input ", f.input), only.conv[0],
      el("label", { class: "sb-field sb-matrix" }, "Upstream gradient (optional) ", f.grad)),
    el("div", { class: "sb-settings" },
      el("label", {}, "Operation ", f.op), only.pool[0],
      el("label", {}, "Stride ", f.stride),
      el("label", {}, "Padding ", f.padding), padnumLabel,
      only.conv[1], only.conv[2]),
    el("p", { class: "muted small" }, "Type numbers separated by spaces or commas, one row per line. A single line is a 1-D signal: its kernel or window is one row too, and stride, padding and dilation act along it."));

  /** Show the fields the operation takes; pools have no same/full padding. */
  function arrange() {
    const conv = f.op.value === "conv";
    for (const node of only.conv) node.hidden = !conv;
    for (const node of only.pool) node.hidden = conv;
    for (const option of f.padding.options) option.disabled = !conv && (option.value === "same" || option.value === "full");
    padnumLabel.hidden = f.padding.value !== "number";
  }

  const read = () => stateFromForm({
    op: f.op.value, input: f.input.value, kernel: f.kernel.value, pool: f.pool.value, stride: f.stride.value,
    padding: f.padding.value, padnum: f.padnum.value, dilation: f.dilation.value, flip: f.flip.checked, grad: f.grad.value,
  });

  /** Show the request `body` (read from a link); a pool's shows `opening`'s kernel. */
  function fill(body, opening) {
    const form = formFromRequest(body, opening);
    for (const [key, value] of Object.entries(form)) {
      if (key === "flip") f.flip.checked = value;
      else f[key].value = value;
    }
    // Each matrix field tall enough for the matrix a link brings (within reason).
    for (const field of [f.input, f.kernel, f.grad]) field.rows = Math.min(8, Math.max(2, field.value.split("\n").length));
    arrange();
  }

  for (const field of Object.values(f)) {
    field.addEventListener(field.tagName === "SELECT" || field.type === "checkbox" ? "change" : "input", () => {
      arrange();
      onEdit();
    });
  }
  arrange();
  return { node, read, fill };
}
