// The Draw view's photo: a photo of a digit chosen with the file button, dropped on the pad or
// pasted, read by the server exactly as `cnnviz predict` reads a file. This module holds the
// controls and the thumbnail of the photo in use; the view sends it and shows the answer.
import { el } from "../../components/dom.js";
import { photoSource } from "../photosource.js";

/**
 * The photo controls; `onPhoto(file)` gets the chosen file (the view sends it as it is).
 * Returns `{node, fail(message), clear(), show(file, answer), forget()}`.
 */
export function photoPanel({ dropTarget, visible, onPhoto }) {
  const source = photoSource({
    hook: "photo",
    label: "Use a photo…",
    hint: "or drop one on the pad, or paste one (Ctrl+V): a digit on paper, PNG, JPEG or WebP",
    dropTarget,
    visible,
    onPhoto: (file) => {
      source.clear();
      onPhoto(file);
    },
  });
  const thumb = el("img", { class: "photo-thumb", alt: "", "data-photo-thumb": true });
  const caption = el("p", { class: "small", "data-photo-caption": true });
  const shown = el("figure", { class: "photo-shown", hidden: true }, thumb, caption);
  let url = null;

  return {
    node: el("div", { class: "draw-photo" }, source.node, shown),
    fail: source.fail,
    clear: source.clear,
    /** The photo `file` in use, with what its prediction `answer` says of its size. */
    show(file, answer) {
      if (url) URL.revokeObjectURL(url);
      url = URL.createObjectURL(file);
      thumb.src = url;
      thumb.alt = `Your photo ${file.name}`;
      const [height, width] = answer.preprocessing.ink_size;
      caption.textContent = `${file.name}, ${width}×${height} px`;
      shown.hidden = false;
    },
    /** The pad no longer shows the photo. */
    forget() {
      shown.hidden = true;
      thumb.removeAttribute("src");
      if (url) URL.revokeObjectURL(url);
      url = null;
    },
  };
}
