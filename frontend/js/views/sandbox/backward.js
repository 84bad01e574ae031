// The sandbox's backward pass, as the server answered it: the upstream gradient (typed, or all
// ones), the gradient with respect to the input and, for a convolution, to the kernel as typed.
import { decimalsFor } from "../../lib/sandbox.js";
import { el } from "../../components/dom.js";
import { gridBox } from "../../components/numbergrid.js";

const WHAT = {
  conv: "Each input cell gets the upstream gradient of every output whose window read it, times the kernel tap that read it; each kernel tap gets the sum, over the outputs, of the upstream gradient times the cell it read.",
  maxpool: "Each output's gradient goes to its window's winner only (the cell Pindex names); every other cell gets 0. Where windows overlap, a cell that wins several of them adds up their gradients.",
  avgpool: "Each output's gradient is shared equally by the cells of its window: divided by the window's size, padding included.",
};

const grid = (title, values, hook) => gridBox(title, values, { digits: decimalsFor([values]), hook, cls: "sb-grid" });

/** The backward section for `answer`. */
export function renderBackward(answer) {
  const boxes = [
    grid(answer.grad_given ? "Upstream gradient" : "Upstream gradient (all ones)", answer.grad, "data-sb-grad"),
    grid("Gradient w.r.t. the input", answer.grad_input, "data-sb-grad-input"),
  ];
  if (answer.grad_kernel) boxes.push(grid("Gradient w.r.t. the kernel", answer.grad_kernel, "data-sb-grad-kernel"));
  return el("div", { class: "sb-backward" },
    el("h3", { text: "Backward" }),
    el("p", { class: "muted", text: WHAT[answer.op] }),
    el("div", { class: "sb-grids" }, ...boxes.map((box) => el("div", { class: "sb-scroll" }, box))));
}
