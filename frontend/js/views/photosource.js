// Where a photo comes from, for the Draw view and the Convolution view alike: a file button, a
// drop onto a target, and a paste (Ctrl+V) while the view is on screen. Each hands one File to
// `onPhoto`; what the file is, the server says (its refusal is shown by `fail`, next to the
// button).
import { el } from "../components/dom.js";
import { pickPhoto } from "../lib/photo.js";

const ACCEPT = "image/png,image/jpeg,image/webp";

/**
 * The controls. `hook` names the data-* attributes (`data-<hook>-file`, `-choose`, `-error`);
 * `dropTarget` is the element a photo may be dropped on; `visible()` says whether a paste is for
 * this view (its view is the one shown). Returns `{node, button, fail(message), clear()}`;
 * `node` holds the button, its hint and the error line.
 */
export function photoSource({ hook, label, hint, dropTarget, visible, onPhoto }) {
  const input = el("input", { type: "file", accept: ACCEPT, hidden: true, [`data-${hook}-file`]: true });
  const button = el("button", { type: "button", [`data-${hook}-choose`]: true }, label);
  const error = el("p", { class: "error", role: "alert", hidden: true, [`data-${hook}-error`]: true });
  const node = el("div", { class: "photo-source" },
    el("div", { class: "row" }, button, input, el("span", { class: "muted small", text: hint })),
    error);

  function take(files) {
    const file = pickPhoto(files);
    if (file) onPhoto(file);
    return Boolean(file);
  }

  button.addEventListener("click", () => input.click());
  input.addEventListener("change", () => {
    take(input.files);
    input.value = ""; // the same file chosen again is a new choice
  });

  const hasFiles = (event) => Array.from(event.dataTransfer?.types || []).includes("Files");
  dropTarget.addEventListener("dragover", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    dropTarget.classList.add("is-dropping");
  });
  dropTarget.addEventListener("dragleave", () => dropTarget.classList.remove("is-dropping"));
  dropTarget.addEventListener("drop", (event) => {
    dropTarget.classList.remove("is-dropping");
    if (!hasFiles(event)) return;
    event.preventDefault();
    take(event.dataTransfer.files);
  });

  document.addEventListener("paste", (event) => {
    if (!visible()) return;
    const tag = event.target && event.target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA") return; // a value pasted into a field stays there
    if (take(event.clipboardData ? event.clipboardData.files : [])) event.preventDefault();
  });

  return {
    node,
    button,
    /** Show `message` (the server's refusal) next to the button. */
    fail(message) {
      error.hidden = false;
      error.textContent = message;
    },
    clear() {
      error.hidden = true;
      error.textContent = "";
    },
  };
}
