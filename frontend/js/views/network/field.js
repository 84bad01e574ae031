// The Network view's receptive fields: the input cells (and the cells of every earlier layer) a
// hovered cell depends on, outlined on every map of those layers (lib/netlayout.js computes them).
import { boxPercent, namedField } from "../../lib/netlayout.js";
import { el } from "../../components/dom.js";

export const INPUT_SIZE = [28, 28];

/** Place `node` (absolutely positioned) over `box` of a rows×cols map, in percentages. */
export function placeBox(node, box, rows, cols) {
  const place = boxPercent(box, rows, cols);
  Object.assign(node.style, { left: `${place.left}%`, top: `${place.top}%`, width: `${place.width}%`, height: `${place.height}%` });
}

/** Remove every receptive-field box under `root`. */
export function clearField(root) {
  for (const box of root.querySelectorAll(".rf-box, .rf-copy")) box.remove();
  for (const node of root.querySelectorAll(".rf-source")) node.classList.remove("rf-source");
}

function addBox(host, box, rows, cols, attrs) {
  const span = el("span", { class: "rf-box", "aria-hidden": "true", ...attrs });
  placeBox(span, box, rows, cols);
  host.append(span);
}

/** Draw the receptive field of (row, col) on map NAME:channel (layer `index`, −1 for the input)
 * in every earlier column of `columns`; `root` is the view (cleared first), `net` its data
 * ({model, sizes}). Returns the field, from that layer back to the input. */
export function showField(root, columns, net, name, index, channel, row, col) {
  clearField(root);
  const field = namedField(net.model.spec.layers, net.sizes, INPUT_SIZE, index, row, col);
  for (const box of field) {
    const [rows, cols] = box.index < 0 ? INPUT_SIZE : net.sizes[box.index];
    if (box.name === name) {
      const hostCanvas = columns.querySelector(`canvas[data-map="${name}:${channel}"]`);
      if (hostCanvas) {
        hostCanvas.parentElement.classList.add("rf-source");
        addBox(hostCanvas.parentElement, box, rows, cols, { "data-rf-layer": name, class: "rf-box rf-cell" });
      }
      continue;
    }
    const canvases = columns.querySelectorAll(`[data-layer="${box.name}"] canvas[data-map]`);
    canvases.forEach((canvas, k) => {
      // The first map of a layer carries the contract hook; the others show the same box.
      const attrs = k === 0 ? { "data-rf-layer": box.name } : { class: "rf-box rf-copy", "data-rf-copy": box.name };
      addBox(canvas.parentElement, box, rows, cols, attrs);
    });
    if (box.name === "input") {
      const sal = columns.querySelector("[data-rf-host=saliency]");
      if (sal) addBox(sal, box, rows, cols, { class: "rf-box rf-copy", "data-rf-copy": "saliency" });
    }
  }
  return field;
}
