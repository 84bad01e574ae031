// The header's Class button: it opens the teacher's class panel (views/classroom/teacher.js,
// loaded on first use) and shows the running class's code. When this tab started a class before a
// reload, the panel reconnects to it at once, so Follow me goes on without a click.
import { savedClass } from "../views/classroom/teachersession.js";

/** Wire `button` (`[data-class-open]`, holding a `[data-class-button-code]` span) to `store`. */
export function wireClassButton(store, button = document.querySelector("[data-class-open]")) {
  const load = () => import("../views/classroom/teacher.js");
  button.addEventListener("click", async () => (await load()).openTeacherPanel(store, button));
  if (savedClass()) load().then((module) => module.resumeTeacherPanel(store, button));
}
