// Section 6 of the Pooling view: the saliency map, the gradient of the class logit at the input
// pixels, over the drawing and alone.
import { plane } from "../../lib/arrays.js";
import { scaleFor } from "../../lib/colour.js";
import { maxAbs } from "../../lib/pooling.js";
import { legend } from "../../components/heatmap.js";
import { el } from "../../components/dom.js";
import { mapCanvas } from "./parts.js";

/** Section 6 in `section` from the trace, its decoded input and saliency (nothing before a trace). */
export function renderSaliency(section, { trace, inputArray, saliency }) {
  if (!trace) return;
  const input = plane(inputArray, 0);
  const sal = plane(saliency, 0);
  const bound = maxAbs(sal.data);
  const scale = scaleFor([-bound, bound], { signed: true });
  // the drawing in gray with the saliency on top, its opacity growing with |saliency|
  const overlay = document.createElement("canvas");
  overlay.width = input.width;
  overlay.height = input.height;
  overlay.className = "map";
  const context = overlay.getContext("2d");
  const image = context.createImageData(input.width, input.height);
  for (let i = 0; i < input.data.length; i += 1) {
    const gray = 255 - Math.round(200 * Math.min(1, Math.max(0, input.data[i])));
    const [r, g, bl] = scale.colour(sal.data[i]);
    const a = Math.min(1, Math.abs(sal.data[i]) / bound) ** 0.6 * 0.9;
    image.data.set([
      Math.round(gray * (1 - a) + r * a), Math.round(gray * (1 - a) + g * a), Math.round(gray * (1 - a) + bl * a), 255,
    ], i * 4);
  }
  context.putImageData(image, 0, 0);
  overlay.setAttribute("role", "img");
  overlay.setAttribute("aria-label", `The drawing in gray with the saliency for class ${trace.target_label} laid over it: orange where more ink would raise the logit, blue where it would lower it.`);
  section.replaceChildren(
    el("h2", { id: "pool-h6", text: "6 · Saliency: the gradient at the input" }),
    el("p", { text: `Following the gradient all the way back to the pixels gives, for each pixel, how much the class-${trace.target_label} logit changes when that pixel gets a little more ink: orange pixels push towards ${trace.target_label}, blue ones away from it.` }),
    el("div", { class: "pool-pair", "data-saliency": "" },
      el("figure", { class: "pool-fig" }, el("div", { class: "pool-stage" }, overlay), el("figcaption", { text: "saliency over the drawing" })),
      el("figure", { class: "pool-fig" }, el("div", { class: "pool-stage" }, mapCanvas(sal, scale, "saliency")), el("figcaption", { text: "saliency alone" })),
      el("figure", { class: "pool-fig" }, el("div", { class: "pool-stage" }, mapCanvas(input, scaleFor([0, 1]), "the input")), el("figcaption", { text: "the network's input (28×28)" })),
    ),
    legend(scale, `∂ logit(${trace.target_label}) / ∂ pixel`),
  );
}
