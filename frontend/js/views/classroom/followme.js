// "Follow me": while the class's pace is follow, every change of the teacher's URL state (the
// view, the model, each view's position, the drawing's input code) is sent as the class state,
// at most five times a second and the last change always (the scheduler's throttle reads the
// state when it fires, so the newest one goes out). Nothing is sent while students explore.
// The state always names the digit on the teacher's screen (`input`), also the example digit a
// page shows before anything is drawn, whose code no view has asked for yet: the students see
// the same digit, and a predict poll has a digit to ask about.
import * as api from "../../api.js";
import { classState } from "../../lib/classstate.js";
import { throttledRequests } from "../../lib/scheduler.js";
import { currentDigit, linkInput } from "../../shell.js";
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
  let naming = null; // {digit, done}: a digit's prediction on its way, asked once
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

  /** Give the link its `input` when the page shows the example digit without one (or, `always`,
   * a drawing whose own prediction has not answered yet): the code comes with the page's model's
   * prediction of that digit, and `linkInput` sets it while the digit is still the one shown;
   * the change is then sent as any other. */
  function nameTheDigit({ always = false } = {}) {
    const { model, digit, input } = store.state;
    if (input || !model || (digit && !always)) return Promise.resolve();
    const shown = currentDigit();
    if (naming && naming.digit === shown) return naming.done;
    const done = api.predict(model, shown).then((answer) => { linkInput(shown, answer); })
      .finally(() => { if (naming && naming.done === done) naming = null; });
    naming = { digit: shown, done };
    return done;
  }

  store.watch(URL_KEYS, () => { if (following) pace.change(true); });
  store.watch(["digit", "input", "model"], () => {
    if (following) nameTheDigit().catch(onError);
  });
  return {
    attach(next) { record = next; lastSent = null; },
    detach() { record = null; following = false; pace.cancel(); },
    /** Put the state now, whatever the pace (a predict poll asks about the teacher's digit, so
     * the state names it first, even while a drawing's own prediction is on its way). */
    async sendNow() {
      if (!record) return;
      await nameTheDigit({ always: true });
      pace.cancel();
      const state = classState(store.state, URL_KEYS);
      await api.setClassState(record.code, record.token, state);
      lastSent = JSON.stringify(state);
      pace.sent();
    },
    setPace(value) {
      const was = following;
      following = value === "follow";
      if (following && !was) {
        pace.soon(); // the students take the teacher's view at once
        nameTheDigit().catch(onError);
      }
      if (!following) pace.cancel();
    },
  };
}
