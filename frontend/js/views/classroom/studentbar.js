// The student's class bar, the header's last row while in a class: which class the page follows
// ("Following Year 9 maths"), "Explore on my own" when the teacher's pace allows it and "Rejoin"
// once detached, whether the class's stream is reconnecting, the drawing the teacher spotlights,
// and, at the end, that the class ended. Names and class names are shown as text, never markup.
import { el } from "../../components/dom.js";

/**
 * The bar, for `header`'s end. `onExplore()` detaches from the teacher's view, `onRejoin()`
 * follows it again, `onClose()` leaves student mode once the class ended. Returns
 * `{render({name, pace, following, ended}), connected(yes), spotlight(drawing | null), remove()}`.
 */
export function mountStudentBar(header, { onExplore, onRejoin, onClose }) {
  const title = el("p", { class: "student-bar-title", "data-student-bar-title": true });
  const link = el("p", { class: "student-bar-link", role: "status", "data-student-link": "connecting" });
  const explore = el("button", { type: "button", "data-student-explore": true, hidden: true }, "Explore on my own");
  const rejoin = el("button", { type: "button", class: "primary", "data-student-rejoin": true, hidden: true }, "Rejoin");
  const close = el("button", { type: "button", "data-student-close": true, hidden: true }, "Close");
  const spot = el("p", { class: "student-bar-spotlight", "data-student-spotlight": true, hidden: true });
  const bar = el("section", { class: "student-bar", "aria-label": "Class", "data-student-bar": true },
    el("div", { class: "row student-bar-row" }, title, link, explore, rejoin, close), spot);
  header.append(bar);

  explore.addEventListener("click", onExplore);
  rejoin.addEventListener("click", onRejoin);
  close.addEventListener("click", () => {
    bar.remove();
    onClose();
  });

  return {
    render({ name, pace, following, ended }) {
      bar.dataset.following = String(following && !ended);
      title.textContent = ended
        ? `${name || "The class"} has ended: your drawings and answers were deleted.`
        : `${following ? "Following" : "Exploring on your own, away from"} ${name || "the class"}`;
      explore.hidden = ended || !following || pace !== "explore";
      rejoin.hidden = ended || following;
      close.hidden = !ended;
      if (ended) link.hidden = true;
    },
    connected(yes) {
      link.dataset.studentLink = yes ? "connected" : "reconnecting";
      link.textContent = yes ? "" : "Reconnecting…";
    },
    spotlight(drawing) {
      spot.hidden = !drawing;
      spot.dataset.drawingId = drawing ? drawing.id : "";
      if (!drawing) return;
      const whose = drawing.name ? `${drawing.name}'s drawing` : "A drawing";
      spot.textContent = `Spotlight: ${whose} of a ${drawing.label}, which the class's network read as ${drawing.predicted}. It is on your Draw view.`;
    },
    remove() { bar.remove(); },
  };
}
