// How the teacher leads: the students' screens follow the teacher or explore, the class paused
// with a message, names anonymized on the projector, the class's model (the one every student's
// drawing is read by), and ending the class (after a confirm step: it deletes every drawing).
// Each is one PUT of the class's settings; the server's answer is what the controls then show.
import * as api from "../../api.js";
import { el, showErrorIn } from "../../components/dom.js";
import { modelOptions } from "../../components/modelpicker.js";

/** The controls for class `record`; `onSettings(info)` hears the class after each change,
 * `onEnding()` just before it is ended here, `onEnded()` once it has been. `show(info)` sets
 * them from the class, or from the part of it an event carries (`{pace}`, `{paused,
 * pause_message}`). */
export function classControls(store, record, { onSettings, onEnding, onEnded }) {
  const error = el("p", { class: "error", role: "alert", hidden: true, "data-class-error": true });
  const follow = el("input", { type: "radio", name: "class-pace", value: "follow", "data-class-pace": "follow" });
  const explore = el("input", { type: "radio", name: "class-pace", value: "explore", "data-class-pace": "explore" });
  const message = el("input", {
    id: "class-pause-message", type: "text", maxlength: "200", "data-class-pause-message": true,
    placeholder: "Eyes on the projector, please",
  });
  const pause = el("button", { type: "button", "data-class-pause": true, text: "Pause class" });
  const anonymize = el("input", { type: "checkbox", "data-class-anonymize": true });
  const model = el("select", { id: "class-model", "data-class-model": true });
  const end = el("button", { type: "button", class: "danger", "data-class-end": true, text: "End class" });
  const confirm = el("div", { class: "class-confirm", hidden: true, "data-class-confirm": true },
    el("p", { text: "End the class? Every drawing, name and answer is deleted." }),
    el("div", { class: "row" },
      el("button", { type: "button", class: "danger", "data-class-end-confirm": true, text: "End and delete" }),
      el("button", { type: "button", "data-class-end-cancel": true, text: "Keep the class" })));
  let current = {};

  const node = el("section", { class: "class-controls", "aria-labelledby": "class-controls-title" },
    el("h3", { id: "class-controls-title", text: "Lead the class" }),
    el("fieldset", { class: "class-pace" },
      el("legend", { text: "Students' screens" }),
      el("label", {}, follow, " Follow me"),
      el("label", {}, explore, " Explore on their own")),
    el("div", { class: "class-pause" },
      el("label", { for: "class-pause-message", text: "Message while paused" }),
      el("div", { class: "row" }, message, pause)),
    el("label", { class: "class-check" }, anonymize, " Anonymize names (hide them on this screen)"),
    el("label", { for: "class-model", text: "The class's model (reads every drawing)" }),
    model,
    error,
    el("div", { class: "row class-end" }, end),
    confirm);

  async function change(settings) {
    try {
      const info = await api.setClassSettings(record.code, record.token, settings);
      showErrorIn(error, null);
      show(info);
      onSettings(info);
    } catch (failure) {
      showErrorIn(error, failure);
    }
  }

  /** Set the controls `part` names (an event's part of the class leaves the others, which
   * may be mid-click, as they are). */
  function show(part) {
    current = { ...current, ...part };
    if ("pace" in part) {
      follow.checked = current.pace === "follow";
      explore.checked = current.pace !== "follow";
    }
    if ("paused" in part) {
      pause.textContent = current.paused ? "Resume class" : "Pause class";
      pause.setAttribute("aria-pressed", String(Boolean(current.paused)));
      const keep = document.activeElement === message || !current.paused || !current.pause_message;
      if (!keep) message.value = current.pause_message;
    }
    if ("anonymize" in part) anonymize.checked = Boolean(current.anonymize);
    if ("model_id" in part) showModels();
  }

  function showModels() {
    model.replaceChildren(...modelOptions(store.state.models));
    if (current.model_id) model.value = current.model_id;
  }

  store.watch(["models"], showModels); // the list arrives after a reload's reconnect
  for (const radio of [follow, explore]) radio.addEventListener("change", () => change({ pace: radio.value }));
  pause.addEventListener("click", () =>
    change(current.paused ? { paused: false } : { paused: true, pause_message: message.value.trim() }));
  anonymize.addEventListener("change", () => change({ anonymize: anonymize.checked }));
  model.addEventListener("change", () => change({ model_id: model.value }));
  end.addEventListener("click", () => {
    confirm.hidden = false;
    confirm.querySelector("[data-class-end-cancel]").focus();
  });
  confirm.querySelector("[data-class-end-cancel]").addEventListener("click", () => {
    confirm.hidden = true;
    end.focus();
  });
  confirm.querySelector("[data-class-end-confirm]").addEventListener("click", async () => {
    try {
      onEnding();
      await api.endClass(record.code, record.token);
      onEnded();
    } catch (failure) {
      showErrorIn(error, failure);
    }
  });

  return { node, show };
}
