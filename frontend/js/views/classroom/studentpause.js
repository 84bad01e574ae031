// The pause overlay: while the teacher has paused the class, a modal dialog with the teacher's
// message covers the student's page (everything behind it is inert: no click, no key reaches the
// views) until the teacher resumes. The student cannot close it.
import { el } from "../../components/dom.js";

/** The overlay, closed; `show(paused, message)` opens or closes it, `remove()` takes it away. */
export function pauseOverlay() {
  const message = el("p", { class: "student-pause-message", "data-student-pause-message": true });
  const dialog = el("dialog", {
    class: "student-pause", "aria-labelledby": "student-pause-title", "data-student-pause": true,
    tabindex: "-1",
  },
  el("h2", { id: "student-pause-title", text: "The class is paused" }),
  message,
  el("p", { class: "muted", text: "Your screen comes back when your teacher resumes the class." }));
  // Escape would close a modal dialog: a pause ends only when the teacher says so.
  dialog.addEventListener("cancel", (event) => event.preventDefault());
  document.body.append(dialog);

  return {
    show(paused, text) {
      message.textContent = text || "";
      message.hidden = !text;
      if (paused && !dialog.open) {
        dialog.showModal();
        dialog.focus();
      } else if (!paused && dialog.open) {
        dialog.close();
      }
    },
    remove() { dialog.remove(); },
  };
}
