// The Network view's receptive fields: the cells of every earlier map (and the input pixels) a
// hovered cell reads, outlined on every map of those layers, as the server composed them
// (lib/netlayout.js `fieldBoxes` only clips them to each map).
import { boxPercent, fieldBoxes } from "../../lib/netlayout.js";
import { el } from "../../components/dom.js";

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

function addBox(host, box, attrs) {
  const span = el("span", {
    class: "rf-box", "aria-hidden": "true",
    "data-box": `${box.top},${box.left},${box.bottom},${box.right}`, ...attrs,
  });
  placeBox(span, box, ...box.size);
  host.append(span);
}

/** Draw the receptive field of (row, col) on map NAME:channel (layer `index`, −1 for the input)
 * in every earlier column of `columns`; `root` is the view (cleared first), `model` its
 * `/api/models/{id}` answer. Returns the boxes, from that map back to the input. */
export function showField(root, columns, model, name, index, channel, row, col) {
  clearField(root);
  const boxes = fieldBoxes(model.layers, model.input_shape, index, row, col);
  for (const box of boxes) {
    if (box.name === name) {
      const hostCanvas = columns.querySelector(`canvas[data-map="${name}:${channel}"]`);
      if (hostCanvas) {
        (hostCanvas.closest(".map-btn") || hostCanvas.parentElement).classList.add("rf-source");
        addBox(hostCanvas.parentElement, box, { "data-rf-layer": name, class: "rf-box rf-cell" });
      }
      continue;
    }
    const canvases = columns.querySelectorAll(`[data-layer="${box.name}"] canvas[data-map]`);
    canvases.forEach((canvas, k) => {
      // The first map of a layer carries the contract hook; the others show the same box.
      const attrs = k === 0 ? { "data-rf-layer": box.name } : { class: "rf-box rf-copy", "data-rf-copy": box.name };
      addBox(canvas.parentElement, box, attrs);
    });
    if (box.name === "input") {
      const sal = columns.querySelector("[data-rf-host=saliency]");
      if (sal) addBox(sal, box, { class: "rf-box rf-copy", "data-rf-copy": "saliency" });
    }
  }
  return boxes;
}
