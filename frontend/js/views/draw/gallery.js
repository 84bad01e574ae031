// The Draw view's gallery: real MNIST test digits (GET /api/datasets/mnist/samples), filtered by
// label; clicking one makes it the input. Without the dataset, how to download it.
import * as api from "../../api.js";
import { decodeArray } from "../../lib/arrays.js";
import { grouped } from "../../lib/format.js";
import { invertedRGBA, unitRows } from "../../lib/greyscale.js";
import { latestOnly } from "../../lib/scheduler.js";
import { el, isAbort } from "../../components/dom.js";

const GALLERY_SIZE = 24;

/** A digit's button: its thumbnail and label. */
function sampleButton(grey, h, w, label, index) {
  const thumb = document.createElement("canvas");
  thumb.width = w;
  thumb.height = h;
  thumb.className = "map";
  const tctx = thumb.getContext("2d");
  const image = tctx.createImageData(w, h);
  image.data.set(invertedRGBA(grey));
  tctx.putImageData(image, 0, 0);
  thumb.setAttribute("aria-hidden", "true");
  return el("button", {
    type: "button", class: "draw-sample", "data-sample": String(index), "data-label": String(label),
    "aria-label": `test digit, label ${label}`, title: `Test image #${index}, label ${label}`,
  }, thumb, el("span", { class: "num", "aria-hidden": "true", text: String(label) }));
}

/** The gallery panel: `load()` fetches the digits; `onPick(pixels, label, mark)` is told of a
 * chosen one (28×28 rows in [0, 1]; `mark()` shows it as chosen), `unpress()` unmarks it. */
export function galleryPanel({ onPick }) {
  const labelFilter = el("select", { id: "draw-gallery-label", "data-gallery-label": true },
    el("option", { value: "", text: "all digits" }),
    ...Array.from({ length: 10 }, (_, k) => el("option", { value: String(k), text: String(k) })));
  const more = el("button", { type: "button", "data-gallery-more": true }, "Other digits");
  const status = el("p", { class: "muted draw-gallery-status" });
  const gallery = el("div", { class: "draw-gallery", "data-gallery": true, role: "group", "aria-label": "MNIST test digits" });
  const tools = el("div", { class: "row" }, el("label", {}, "Label", labelFilter), more);
  const panel = el("section", { class: "panel draw-gallery-panel", "aria-labelledby": "draw-gallery-title" },
    el("h2", { id: "draw-gallery-title", text: "Or pick a real MNIST test digit" }),
    tools, status, gallery);
  const latest = latestOnly();

  function unpress() {
    for (const other of gallery.querySelectorAll("[aria-pressed]")) other.removeAttribute("aria-pressed");
  }

  function render(answer) {
    const images = decodeArray(answer.images);
    const [n, h, w] = images.shape;
    const buttons = [];
    for (let i = 0; i < n; i += 1) {
      const grey = images.data.subarray(i * h * w, (i + 1) * h * w);
      const label = answer.labels[i];
      const button = sampleButton(grey, h, w, label, answer.indices[i]);
      button.addEventListener("click", () => onPick(unitRows(grey, h, w), label, () => {
        unpress();
        button.setAttribute("aria-pressed", "true");
      }));
      buttons.push(button);
    }
    gallery.replaceChildren(...buttons);
    const which = answer.label === null || answer.label === undefined ? "" : ` labelled ${answer.label}`;
    status.textContent = `${n} of the ${grouped(answer.total)} test digits${which}. Click one to make it the input.`;
  }

  async function load() {
    const mine = latest.start();
    status.textContent = "Loading MNIST test digits…";
    try {
      const datasets = await api.listDatasets();
      if (mine.signal.aborted) return;
      const mnist = datasets.find((d) => d.name === "mnist");
      const test = mnist && mnist.splits && mnist.splits.test;
      if (!test || !test.present) {
        tools.hidden = true;
        gallery.replaceChildren();
        status.replaceChildren(
          "The MNIST test set is not on this computer, so there are no real digits to pick. Download it with ",
          el("code", { text: "cnnviz data download mnist" }), " and reload the page.");
        return;
      }
      tools.hidden = false;
      const label = labelFilter.value === "" ? null : Number(labelFilter.value);
      const answer = await api.samples("mnist", { split: "test", n: GALLERY_SIZE, label });
      if (mine.signal.aborted) return;
      render(answer);
    } catch (failure) {
      if (isAbort(failure) || mine.signal.aborted) return;
      status.replaceChildren(el("span", { class: "error", text: `The MNIST digits could not be loaded: ${failure.message}` }));
    }
  }

  labelFilter.addEventListener("change", load);
  more.addEventListener("click", load);
  return { panel, load, unpress };
}
