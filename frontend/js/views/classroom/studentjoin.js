// The join form a student sees on `/?class=CODE`: a name (no account), Join, and the server's
// reason when it refuses (no class has that code, the class is full, too many wrong codes from
// this network). A modal dialog: until the student joins or chooses not to, the page behind waits.
import * as api from "../../api.js";
import { el } from "../../components/dom.js";

/**
 * Open the join form for class `code`. `message`, when given, says why it is shown again (a saved
 * session the server no longer knows). `onJoined({studentId, token, name})` is called once the
 * server admitted the student; `onDeclined()` when the student chose to use the page on their own.
 */
export function openJoinForm(code, { message = null, onJoined, onDeclined }) {
  const name = el("input", {
    id: "student-join-name", type: "text", required: true, autocomplete: "nickname",
    "data-student-join-name": true, "aria-describedby": "student-join-help",
  });
  const error = el("p", { class: "error", role: "alert", "data-student-join-error": true, hidden: !message, text: message || "" });
  const join = el("button", { type: "submit", class: "primary", "data-student-join": true }, "Join");
  const decline = el("button", { type: "button", "data-student-decline": true }, "Not now");
  const form = el("form", { method: "dialog", class: "student-join-form" },
    el("label", { for: "student-join-name", text: "Your name" }),
    name,
    el("p", { id: "student-join-help", class: "muted",
      text: "The name your teacher sees (no account, no e-mail). It is deleted when the class ends." }),
    error,
    el("div", { class: "row student-join-actions" }, join, decline));
  const dialog = el("dialog", { class: "student-join", "aria-labelledby": "student-join-title", "data-student-join-dialog": true },
    el("h2", { id: "student-join-title", text: `Join class ${code}` }), form);
  document.body.append(dialog);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    join.disabled = true;
    error.hidden = true;
    try {
      const answer = await api.joinClass(code, name.value.trim());
      dialog.close();
      dialog.remove();
      onJoined({ studentId: answer.student_id, token: answer.student_token, name: name.value.trim() });
    } catch (failure) {
      error.hidden = false;
      error.textContent = `You could not join: ${failure.message}`;
      name.focus();
    } finally {
      join.disabled = false;
    }
  });
  decline.addEventListener("click", () => {
    dialog.close();
    dialog.remove();
    onDeclined();
  });
  // Escape closes a modal dialog by itself: the same as "Not now".
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    decline.click();
  });
  dialog.showModal();
  name.focus();
}
