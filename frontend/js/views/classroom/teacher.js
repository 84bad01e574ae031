// The teacher's class panel: a drawer over the views (the teacher keeps using every view while
// it is open or closed), opened by the header's Class button. Before a class: Start a class. During
// one: how to join, the controls, polls, the confusion matrix and the gallery, all kept live by
// the class's event stream. This frame wires the sections (one module each) to the stream; the
// class lives in sessionStorage, so a reload reconnects to it.
import * as api from "../../api.js";
import { el, showErrorIn } from "../../components/dom.js";
import { announce } from "../../shell.js";
import { classControls } from "./controls.js";
import { followMe } from "./followme.js";
import { classGallery } from "./gallery.js";
import { joinInfo } from "./joininfo.js";
import { classMatrix } from "./matrix.js";
import { classPolls } from "./polls.js";
import { connectClass, forgetClass, saveClass, savedClass } from "./teachersession.js";

let panel = null; // built once, on first open or on a reload during a class

/** Open the drawer (`opener`: the header's Class button, which gets the focus back). */
export function openTeacherPanel(store, opener) {
  panel ??= teacherPanel(store, opener);
  panel.open();
}

/** After a reload: reconnect to the class this tab started, the drawer left closed. */
export function resumeTeacherPanel(store, opener) {
  panel ??= teacherPanel(store, opener);
}

function teacherPanel(store, opener) {
  const status = el("p", { class: "class-status", role: "status", "data-class-status": true });
  const body = el("div", { class: "class-body" });
  const close = el("button", { type: "button", "data-class-close": true, text: "Close" });
  const drawer = el("aside", { id: "class-drawer", class: "class-drawer", hidden: true,
    "aria-labelledby": "class-title", "data-class-drawer": true },
  el("div", { class: "class-head" }, el("h2", { id: "class-title", text: "Class" }), close),
  status, body);
  document.body.append(drawer);
  const followError = el("p", { class: "error", role: "alert", hidden: true, "data-class-follow-error": true });
  const follow = followMe(store, (error) => showErrorIn(followError, error));
  let live = null; // the running class: {record, connection, matrix}

  /** Under the header where it stays on screen (wider than a phone), so the tabs, the picker,
   * Present and Share stay usable beside the drawer; the whole screen on a phone. */
  const header = document.querySelector("header.top");
  const phone = matchMedia("(max-width: 700px)");
  function place() {
    // Presentation mode zooms the page: the header's edge is measured on screen, the drawer's
    // top is set in the zoomed page's pixels.
    const zoom = parseFloat(getComputedStyle(document.body).zoom) || 1;
    const top = phone.matches ? 0 : Math.max(0, header.getBoundingClientRect().bottom) / zoom;
    drawer.style.top = `${Math.round(top)}px`;
  }
  window.addEventListener("resize", () => { if (!drawer.hidden) place(); }); // and Present's toggle

  function showCode(code) {
    opener.querySelector("[data-class-button-code]").textContent = code;
    opener.setAttribute("aria-label", code ? `Class ${code}` : "Class");
  }

  function setOpen(open) {
    if (open) place();
    drawer.hidden = !open;
    opener.setAttribute("aria-expanded", String(open));
    if (open) close.focus();
    else opener.focus();
  }
  close.addEventListener("click", () => setOpen(false));
  drawer.addEventListener("keydown", (event) => { if (event.key === "Escape") setOpen(false); });

  function startForm() {
    const name = el("input", { id: "class-name", type: "text", maxlength: "40", "data-class-name": true,
      placeholder: "Year 10, period 3" });
    const start = el("button", { type: "submit", class: "primary", "data-class-start": true, text: "Start a class" });
    const error = el("p", { class: "error", role: "alert", hidden: true });
    const form = el("form", { class: "class-start" },
      el("p", { text: "Students join with a code on their own screens, follow your view, send drawings and answer polls." }),
      el("label", { for: "class-name", text: "Name (optional)" }), name, error, el("div", { class: "row" }, start));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      start.disabled = true;
      try {
        const created = await api.createClass(name.value.trim());
        await begin({ code: created.code, token: created.teacher_token, join_url: created.join_url, seq: 0 });
        announce(`Class ${created.code} started`);
      } catch (failure) {
        showErrorIn(error, failure);
      } finally {
        start.disabled = false;
      }
    });
    return form;
  }

  function showStart(message) {
    status.textContent = message || "";
    showCode("");
    body.replaceChildren(startForm());
  }

  /** Stop following the class here (ended, or the server forgot it) and offer a new one. */
  function finish(message) {
    if (live) { live.connection.close(); live.matrix.stop(); }
    live = null;
    follow.detach();
    forgetClass();
    showStart(message);
  }

  async function begin(record) {
    saveClass(record);
    const info = await api.getClass(record.code, record.token);
    const join = joinInfo(record);
    const gallery = classGallery(record);
    const matrix = classMatrix(record, (cell) => gallery.narrow(cell));
    const polls = classPolls(record, () => follow.sendNow());
    const applySettings = (next) => {
      join.setAnonymize(Boolean(next.anonymize));
      gallery.setAnonymize(Boolean(next.anonymize));
      follow.setPace(next.pace);
    };
    const controls = classControls(store, record, {
      onSettings: applySettings,
      onEnding: () => matrix.stop(), // its next summary would be a 404
      onEnded: () => finish("The class has ended; its drawings are deleted."),
    });
    controls.show(info);
    applySettings(info);
    join.roster(info.roster || []);
    polls.show(info.poll);
    gallery.spotlight(info.spotlight ? info.spotlight.id : null);
    body.replaceChildren(
      el("p", { class: "class-name-line", "data-class-title": true }, el("bdi", { text: info.name || "Your class" })),
      join.node, followError, controls.node, polls.node, matrix.node, gallery.node);
    showCode(record.code);
    follow.attach(record);
    follow.setPace(info.pace);
    gallery.load((await api.classDrawings(record.code, record.token)).drawings);
    matrix.refresh();

    const connection = connectClass(record, {
      roster: (data) => join.roster(data.students),
      drawing: (data) => { gallery.add(data); matrix.refreshSoon(); },
      poll: (data) => polls.show(data),
      answer: (data) => polls.counts(data),
      reveal: (data) => polls.revealed(data),
      spotlight: (data) => gallery.spotlight(data.drawing ? data.drawing.id : null),
      pace: (data) => { controls.show({ pace: data.pace }); follow.setPace(data.pace); },
      pause: (data) => controls.show({ paused: data.paused, pause_message: data.message }),
      ended: () => finish("The class has ended."),
    }, {
      onStatus: (state) => { status.textContent = state === "live" ? "" : "Connection lost: reconnecting…"; },
      onGone: () => finish("This class is no longer on the server."),
    });
    live = { record, connection, matrix };
  }

  const saved = savedClass();
  if (saved) {
    begin(saved).catch((failure) => {
      if ([401, 403, 404].includes(failure.status)) finish("The class this tab started is no longer on the server.");
      else showStart(`The class could not be reached: ${failure.message}`);
    });
  } else {
    showStart();
  }
  return { open: () => setOpen(true) };
}
