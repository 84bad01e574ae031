// "Follow me": while the class's pace is follow, every change of the teacher's URL state (the
// view, the model, each view's position, the drawing's input code) is sent as the class state,
// at most five times a second and the last change always (the scheduler's throttle reads the
// state when it fires, so the newest one goes out). Nothing is sent while students explore.
import * as api from "../../api.js";
import { classState } from "../../lib/classstate.js";
import { throttledRequests } from "../../lib/scheduler.js";
import { URL_KEYS } from "../../store.js";

/** At most one state every 200 ms: five a second. */
export const STATE_INTERVAL_MS = 200;

/** Watch `store` once; `attach(record)` / `detach()` say which class (if any) follows it,
 * `setPace(pace)` whether it does now, `sendNow()` puts the state at once; `onError(error)`
 * hears a refused or failed send. */
export function followMe(store, onError) {
  let record = null;
  let following = false;
  let lastSent = null;
  const pace = throttledRequests(send, { interval: STATE_INTERVAL_MS, debounce: 0 });

  function send() {
    if (!record || !following) return;
    const state = classState(store.state, URL_KEYS);
    const text = JSON.stringify(state);
    if (text === lastSent) return;
    pace.sent();
    lastSent = text;
    api.setClassState(record.code, record.token, state).then(() => onError(null), (error) => {
      lastSent = null; // sent again with the next change
      onError(error);
    });
  }

  store.watch(URL_KEYS, () => { if (following) pace.change(true); });
  return {
    attach(next) { record = next; lastSent = null; },
    detach() { record = null; following = false; pace.cancel(); },
    /** Put the state now, whatever the pace (a predict poll asks about the teacher's digit). */
    async sendNow() {
      if (!record) return;
      pace.cancel();
      const state = classState(store.state, URL_KEYS);
      await api.setClassState(record.code, record.token, state);
      lastSent = JSON.stringify(state);
      pace.sent();
    },
    setPace(value) {
      const was = following;
      following = value === "follow";
      if (following && !was) pace.soon(); // the students take the teacher's view at once
      if (!following) pace.cancel();
    },
  };
}
