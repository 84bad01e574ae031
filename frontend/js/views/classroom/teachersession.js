// The teacher's hold on a class: its code and token kept in sessionStorage (never in a URL, gone
// with the tab), and its event stream followed with single-use tickets. A stream that drops is
// followed again by itself with a new ticket, after the last event seen, so a reload or a Wi-Fi
// hiccup loses nothing and repeats nothing.
import * as api from "../../api.js";
import { readTeacherSession } from "../../lib/classstate.js";
import { reconnectDelay } from "../../lib/studentmode.js";

const KEY = "cnnviz.class.teacher";

/** The class this tab started, or null. */
export const savedClass = () => readTeacherSession(sessionStorage.getItem(KEY));
export const saveClass = (record) => sessionStorage.setItem(KEY, JSON.stringify(record));
export const forgetClass = () => sessionStorage.removeItem(KEY);

/**
 * Follow `record`'s class (`{code, token, seq}`): `events` maps event names to handlers of their
 * data; `onStatus("live" | "reconnecting")` says how the stream is; `onGone(error)` is called
 * when the server no longer knows the class or the token (404, 401, 403), and nothing more is
 * tried. Returns `{close()}`.
 */
export function connectClass(record, events, { onStatus, onGone }) {
  let seq = record.seq;
  let stopped = false;
  let attempt = 0;
  let timer = null;
  let closeStream = null;
  const handlers = {};
  for (const [name, handler] of Object.entries(events)) {
    handlers[name] = (data, number) => {
      seq = number;
      saveClass({ ...record, seq });
      handler(data);
    };
  }

  function lost() {
    if (stopped) return;
    onStatus("reconnecting");
    timer = setTimeout(open, reconnectDelay(attempt)); // as a student's page waits
    attempt += 1;
  }

  async function open() {
    if (stopped) return;
    try {
      const { ticket } = await api.classTicket(record.code, record.token);
      if (stopped) return;
      closeStream = api.followClass(record.code, ticket, handlers, { after: seq, onLost: lost });
      attempt = 0;
      onStatus("live");
    } catch (error) {
      if ([401, 403, 404].includes(error.status)) onGone(error);
      else lost();
    }
  }

  open();
  return {
    close() {
      stopped = true;
      clearTimeout(timer);
      if (closeStream) closeStream();
    },
  };
}
