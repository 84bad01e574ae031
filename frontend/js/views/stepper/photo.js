// The playground's "Your photo": a named kernel (or the playground's own numbers) over a photo of
// the user's at full resolution, grey or on each colour channel, the original and the result side
// by side. The server reads, shrinks and filters the photo (POST /api/kernels/photo); this module
// shows its PNG and its numbers. The result is painted into a canvas with its exact pixel values.
import * as api from "../../api.js";
import { catalogue } from "../../shell.js";
import { photoKernelQuery } from "../../lib/photo.js";
import { grouped, percent } from "../../lib/format.js";
import { latestOnly } from "../../lib/scheduler.js";
import { el, isAbort } from "../../components/dom.js";
import { photoSource } from "../photosource.js";

const DEFAULT_KERNEL = "edge";
const PLAYGROUND = "playground"; // the option that takes the playground's kernel, as typed above

/** The PNG of an answer (base64) decoded as it is: no colour management, no premultiplying. */
function decodePng(png) {
  const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
  return createImageBitmap(new Blob([bytes], { type: "image/png" }),
    { colorSpaceConversion: "none", premultiplyAlpha: "none" });
}

/** `bitmap` painted into `canvas` at its own size, pixel for pixel. */
function paint(canvas, bitmap) {
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext("2d").drawImage(bitmap, 0, 0);
  bitmap.close();
}

/**
 * The panel. `playgroundKernel()` gives the rows of the kernel the playground shows. Returns
 * `{node}`; the panel asks the server when a photo, the kernel or the mode changes.
 */
export function photoKernels({ playgroundKernel, visible }) {
  const kernel = el("select", { "data-photo-kernel": true });
  const mode = el("select", { "data-photo-mode": true },
    el("option", { value: "grey", text: "grey (one channel)" }),
    el("option", { value: "rgb", text: "colour (R, G, B each)" }));
  const example = el("button", { type: "button", "data-photo-example": true }, "Try the example photo");
  const original = el("img", { class: "photo-image", alt: "", "data-photo-original": true });
  const result = el("canvas", { class: "photo-image", role: "img", "aria-label": "The filtered photo", "data-photo-result": true });
  const note = el("p", { class: "small", "data-photo-note": true, "aria-live": "polite" });
  const range = el("p", { class: "muted small", "data-photo-range": true });
  const figures = el("div", { class: "photo-pair", hidden: true },
    el("figure", {}, original, el("figcaption", { text: "Your photo" })),
    el("figure", {}, result, el("figcaption", { "data-photo-result-caption": true })));
  const node = el("section", { class: "photo-kernels", "aria-labelledby": "photo-kernels-title", "data-photo-kernels": true },
    el("h3", { id: "photo-kernels-title", text: "Your photo" }),
    el("p", { class: "muted" }, "The same kernels on a photo of your own at full resolution (shrunk to 1024 pixels a side at most): a 3×3 blur barely shows on a large photo, because its taps are one pixel apart."));
  const source = photoSource({
    hook: "photo-kernel",
    label: "Choose a photo…",
    hint: "or drop one here, or paste one (Ctrl+V)",
    dropTarget: node,
    visible,
    onPhoto: (file) => use(file, "Your photo"),
  });
  node.append(source.node,
    el("div", { class: "row photo-controls" }, example,
      el("label", {}, "Kernel ", kernel), el("label", {}, "Channels ", mode)),
    figures, note, range);

  let photo = null; // the File or Blob in use
  let originalUrl = null;
  const latest = latestOnly();

  function use(file, name) {
    photo = file;
    if (originalUrl) URL.revokeObjectURL(originalUrl);
    originalUrl = URL.createObjectURL(file);
    original.src = originalUrl;
    original.alt = name;
    apply();
  }

  function chosenKernel() {
    return kernel.value === PLAYGROUND ? playgroundKernel() : kernel.value;
  }

  async function apply() {
    if (!photo) return;
    await ready;
    const asked = chosenKernel();
    const query = photoKernelQuery(asked, mode.value);
    const controller = latest.start();
    node.dataset.busy = "true";
    try {
      const answer = await api.kernelOnPhoto(photo, query, controller.signal);
      const bitmap = await decodePng(answer.png);
      if (controller.signal.aborted) {
        bitmap.close();
        return;
      }
      paint(result, bitmap);
      source.clear();
      show(answer, asked);
      node.dataset.query = query; // what the picture shown was made with
    } catch (failure) {
      if (!isAbort(failure)) source.fail(failure.message);
    } finally {
      if (latest.finish(controller)) node.dataset.busy = "false";
    }
  }

  function show(answer, asked) {
    const [width, height] = answer.size;
    const [low, high] = answer.value_range;
    const name = typeof asked === "string" ? asked.replace("_", " ") : "the playground's kernel";
    figures.hidden = false;
    result.setAttribute("aria-label", `The photo through ${name}, ${answer.mode === "grey" ? "grey" : "in colour"}, ${width} by ${height} pixels`);
    figures.querySelector("[data-photo-result-caption]").textContent = `Through ${name} (${answer.mode === "grey" ? "grey" : "each colour channel"})`;
    note.textContent = answer.note;
    range.textContent = answer.clipped > 0
      ? `Before clipping, the values ran from ${grouped(Math.round(low))} to ${grouped(Math.round(high))}: ${percent(answer.clipped, 1)} of them fell outside 0…255 and are shown as black or full brightness.`
      : `The values ran from ${grouped(Math.round(low))} to ${grouped(Math.round(high))}, all within 0…255.`;
  }

  async function setup() {
    let kernels = [];
    try {
      kernels = (await catalogue()).kernels;
    } catch (failure) {
      source.fail(failure.message);
    }
    kernel.replaceChildren(
      ...kernels.map((k) => el("option", { value: k.name, text: k.name.replace("_", " ") })),
      el("option", { value: PLAYGROUND, text: "the playground's kernel (above)" }));
    kernel.value = kernels.some((k) => k.name === DEFAULT_KERNEL) ? DEFAULT_KERNEL : kernel.options[0].value;
  }

  kernel.addEventListener("change", apply);
  mode.addEventListener("change", apply);
  example.addEventListener("click", async () => {
    try {
      use(await api.examplePhoto(), "The example photo: a handwritten 4 on notebook paper");
    } catch (failure) {
      source.fail(failure.message);
    }
  });
  const ready = setup();

  return {
    node,
    /** The playground's kernel changed: redo the photo if it uses that kernel. */
    kernelChanged() {
      if (kernel.value === PLAYGROUND) apply();
    },
  };
}
