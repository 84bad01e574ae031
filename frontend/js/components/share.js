// The header's Share button: a dialog with the page's link (the view, the model, each view's
// position and the digit's input code, so whoever opens it sees the same numbers), a Copy
// button, and the link's QR code, an SVG the API draws, for a class to scan off the projector.
// Where the clipboard is not offered (a page opened over plain http from another machine), the
// link is selected in its field for the user to copy.
import { qrUrl } from "../api.js";
import { el } from "./dom.js";

/** Wire `button` to open the dialog on the page's current link; focus returns to it on close. */
export function wireShare(button = document.querySelector("[data-share]")) {
  let dialog = null;
  button.addEventListener("click", () => {
    dialog ??= shareDialog(button);
    dialog.open(window.location.href);
  });
}

function shareDialog(opener) {
  const field = el("input", {
    id: "share-link", type: "text", readonly: true, class: "share-link", "data-share-link": true,
    spellcheck: "false", "aria-describedby": "share-help",
  });
  const copy = el("button", { type: "button", class: "primary", "data-share-copy": true }, "Copy");
  const status = el("p", { class: "share-status", role: "status", "data-share-status": true });
  const picture = el("img", {
    class: "share-qr", "data-share-qr": true, width: "280", height: "280",
    alt: "QR code of the link: point a phone's camera at it to open this view",
  });
  const failed = el("p", { class: "error", hidden: true });
  const close = el("button", { type: "button", "data-share-close": true }, "Close");
  const dialog = el("dialog", { class: "share-dialog", "aria-labelledby": "share-title", "data-share-dialog": true },
    el("h2", { id: "share-title", text: "Share this view" }),
    el("p", { id: "share-help", class: "muted",
      text: "The link opens this view with this model and this digit: every number on the page comes out the same." }),
    el("label", { for: "share-link", text: "Link" }),
    el("div", { class: "row share-copy" }, field, copy),
    status,
    el("figure", { class: "share-figure" }, picture, failed,
      el("figcaption", { class: "muted", text: "Scan to open the link on a phone or tablet." })),
    el("div", { class: "row share-actions" }, close));
  document.body.append(dialog);

  picture.addEventListener("error", () => {
    picture.hidden = true;
    failed.hidden = false;
    failed.textContent = `The QR code could not be made (the link is ${field.value.length} characters long); copy the link instead.`;
  });
  copy.addEventListener("click", async () => {
    try {
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(field.value);
      status.textContent = "Copied: paste it where your class will find it.";
    } catch {
      field.focus();
      field.select();
      status.textContent = "The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.";
    }
  });
  close.addEventListener("click", () => dialog.close());
  // Escape closes a modal <dialog> by itself; either way the focus goes back to the button.
  dialog.addEventListener("close", () => opener.focus());

  return {
    open(link) {
      field.value = link;
      status.textContent = "";
      picture.hidden = false;
      failed.hidden = true;
      picture.src = qrUrl(link);
      dialog.showModal();
      copy.focus();
    },
  };
}
