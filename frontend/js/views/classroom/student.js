// Student mode, for a page opened on `/?class=CODE`: the join form, then the class bar, and the
// class's events applied to the page as they come. A `state` event is the teacher's view (its
// link's keys, the drawing included), applied the way the page opens a link; `pace`, `pause`,
// `poll`, `reveal`, `spotlight` and `ended` drive the bar, the pause overlay and the poll card.
// The student's token is kept in sessionStorage (never in a URL), so a reload rejoins the same
// seat; a lost stream reconnects by itself with a new ticket, reading the class again first and
// then only the events it has not seen.
import * as api from "../../api.js";
import { followPatch, parseSession, reconnectDelay, sessionKey } from "../../lib/studentmode.js";
import { announce } from "../../shell.js";
import { URL_KEYS } from "../../store.js";
import { openJoinForm } from "./studentjoin.js";
import { mountStudentBar } from "./studentbar.js";
import { pauseOverlay } from "./studentpause.js";
import { mountPollCard } from "./studentpoll.js";
import { mountSendPanel } from "./studentsend.js";

/** Start student mode for class `code` on the page whose state is `store`. */
export function startStudentMode(store, code) {
  const key = sessionKey(code);
  // The header's Class button starts a class of one's own: a teacher's, not a student's.
  const classButton = document.querySelector("[data-class-open]");
  classButton.hidden = true;
  const leave = () => {
    window.history.replaceState(null, "", window.location.pathname + window.location.hash);
    classButton.hidden = false;
  };
  const ask = (message) => openJoinForm(code, {
    message,
    onJoined(session) {
      sessionStorage.setItem(key, JSON.stringify(session));
      announce(`You joined class ${code}`);
      attend(session);
    },
    onDeclined: leave,
  });
  const attend = (session) => attendClass(store, code, session, {
    onForgotten(message) {
      sessionStorage.removeItem(key);
      ask(message);
    },
    onEnded: () => sessionStorage.removeItem(key),
    onLeave: leave,
  });
  const saved = parseSession(sessionStorage.getItem(key));
  if (saved) attend(saved);
  else ask(null);
}

/** The class connection of a student who has joined: the bar, the overlay, the poll card and
 * the send panel, fed by the class's events. */
function attendClass(store, code, session, { onForgotten, onEnded, onLeave }) {
  const view = { name: "", pace: "follow", following: true, ended: false };
  let latest = null; // the teacher's latest view state
  let spotlit = null; // the id of the drawing in the spotlight
  let stop = () => {};
  let lastSeq = 0;
  let failures = 0;
  let timer = null;

  const bar = mountStudentBar(document.querySelector("header.top"), {
    onExplore() {
      view.following = false;
      bar.render(view);
      announce("You explore on your own; Rejoin follows your teacher again.");
    },
    onRejoin: rejoin,
    onClose: onLeave,
  });
  const poll = mountPollCard(document.querySelector("main"), {
    answer: (current, index) => api.answerPoll(code, session.token, current.id, index),
  });
  const pause = pauseOverlay();
  const sender = mountSendPanel(document.querySelector('[data-view="draw"]'), {
    hasDrawing: () => Boolean(store.state.digit),
    send: (image, label) => api.submitClassDrawing(code, session.token, image, label),
  });
  let modelId = null; // the class's model: its classes are the digits a drawing can mean
  const offerDigits = () => {
    const model = (store.state.models || []).find((m) => m.id === modelId);
    sender.setDigits(model && model.classes ? model.classes : []);
  };
  store.watch(["models"], offerDigits);

  function apply(state) {
    latest = state;
    if (view.following && !view.ended) store.set(followPatch(state, store.state, URL_KEYS));
  }
  function rejoin() {
    view.following = true;
    bar.render(view);
    if (latest) apply(latest);
  }
  function setPace(pace) {
    view.pace = pace;
    if (pace === "follow" && !view.following) rejoin();
    else bar.render(view);
  }
  function spotlight(drawing) {
    const id = drawing ? drawing.id : null;
    if (id === spotlit) return; // already shown (the class read again after a reconnection)
    spotlit = id;
    bar.spotlight(drawing);
    if (!drawing) return;
    store.set({ tab: "draw", digit: { image: drawing.image }, input: null });
    announce("Your teacher put a drawing in the spotlight: it is on your Draw view.");
  }
  function end() {
    view.ended = true;
    stop();
    clearTimeout(timer);
    pause.show(false);
    bar.spotlight(null);
    bar.render(view);
    sender.remove();
    poll.remove();
    onEnded();
    announce("The class has ended.");
  }
  function forget(message) {
    stop();
    bar.remove();
    poll.remove();
    pause.remove();
    sender.remove();
    onForgotten(message);
  }

  const handlers = Object.fromEntries(Object.entries({
    state: (data) => apply(data.state),
    pace: (data) => setPace(data.pace),
    pause: (data) => pause.show(data.paused, data.message),
    poll: (data) => poll.open(data),
    reveal: (data) => poll.reveal(data),
    spotlight: (data) => spotlight(data.drawing),
    ended: end,
  }).map(([name, handle]) => [name, (data, seq) => {
    if (Number.isFinite(seq)) lastSeq = Math.max(lastSeq, seq); // where a new stream resumes
    handle(data);
  }]));

  /** What the class is now (GET the class): the page catches up with whatever it missed. */
  function show(snapshot) {
    view.name = snapshot.name;
    modelId = snapshot.model_id;
    offerDigits();
    setPace(snapshot.pace);
    pause.show(snapshot.paused, snapshot.pause_message);
    if (snapshot.poll) poll.open(snapshot.poll);
    if (snapshot.poll && snapshot.poll.revealed) {
      poll.reveal({ poll_id: snapshot.poll.id, counts: snapshot.poll.counts, correct: snapshot.poll.correct });
    }
    if (snapshot.state && Object.keys(snapshot.state).length) apply(snapshot.state);
    spotlight(snapshot.spotlight);
  }

  async function connect() {
    try {
      const snapshot = await api.getClass(code, session.token);
      const { ticket } = await api.classTicket(code, session.token);
      show(snapshot);
      stop = api.followClass(code, ticket, handlers, { after: lastSeq, onLost });
      failures = 0;
      bar.connected(true);
    } catch (error) {
      if (error.status === 404) end();
      else if (error.status === 401) forget(`Class ${code} no longer knows this page (${error.message}): join again.`);
      else onLost(lastSeq);
    }
  }
  function onLost(last) {
    lastSeq = last;
    if (view.ended) return;
    bar.connected(false);
    timer = setTimeout(connect, reconnectDelay(failures));
    failures += 1;
  }

  // A device that loses its network may keep a dead stream open without an error: going
  // offline drops it, coming back online follows the class again at once.
  window.addEventListener("offline", () => {
    if (view.ended) return;
    stop();
    clearTimeout(timer);
    bar.connected(false);
  });
  window.addEventListener("online", () => {
    if (view.ended) return;
    stop();
    clearTimeout(timer);
    failures = 0;
    connect();
  });

  bar.render(view);
  connect();
}
