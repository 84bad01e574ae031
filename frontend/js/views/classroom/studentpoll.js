// The student's poll card: the teacher's question (or "what will the network say?") with one
// button per option; once answered, which answer was sent (another click changes it); after the reveal, every option's count
// as the server counted it, drawn as bars, and the right answer when the poll has one.
import { histogramRows } from "../../lib/classpoll.js";
import { el } from "../../components/dom.js";

/**
 * The card, hidden until a poll opens, placed at the end of `parent`. `answer(poll, index)`
 * sends an answer (the chosen option's index; a promise, its refusal shown on the card). Returns
 * `{open(poll), reveal(data), remove()}`
 * with a poll event's `{id, kind, question, options}` (GET the class's poll adds this student's
 * `answer`) and a reveal event's `{poll_id, counts, correct}` (`correct`: an option's index).
 */
export function mountPollCard(parent, { answer }) {
  const title = el("h2", { id: "student-poll-title" });
  const question = el("p", { class: "student-poll-question", "data-student-poll-question": true });
  const choices = el("div", { class: "student-poll-options", role: "group", "aria-labelledby": "student-poll-title" });
  const status = el("p", { class: "student-poll-status", role: "status", "data-student-poll-status": true });
  const results = el("ol", { class: "student-poll-results", "data-student-poll-results": true, hidden: true });
  const hide = el("button", { type: "button", "data-student-poll-hide": true, hidden: true }, "Hide");
  const card = el("section", { class: "panel student-poll", "aria-labelledby": "student-poll-title", "data-student-poll": true, hidden: true },
    title, question, choices, status, results, hide);
  parent.append(card);
  hide.addEventListener("click", () => { card.hidden = true; });

  let current = null;
  let mine = null; // the answer this student sent to the current poll

  /** Show option `index` as this student's answer (sent now, or before a reload); another
   * choice replaces it until the reveal, as the server takes it. */
  function answered(index) {
    [...choices.querySelectorAll("button")].forEach((button, at) => {
      button.disabled = false;
      button.setAttribute("aria-pressed", String(at === index));
    });
    mine = current.options[index];
    status.textContent = `Your answer: ${mine}. You can change it until your teacher reveals the results.`;
  }

  function choose(index) {
    for (const other of choices.querySelectorAll("button")) other.disabled = true;
    status.textContent = "Sending…";
    answer(current, index).then(
      () => answered(index),
      (failure) => {
        for (const other of choices.querySelectorAll("button")) other.disabled = false;
        status.textContent = `Your answer was not sent: ${failure.message}`;
      },
    );
  }

  return {
    open(poll) {
      if (current && current.id === poll.id) return; // the same poll again (a reconnection)
      current = poll;
      mine = null;
      card.hidden = false;
      card.dataset.pollId = poll.id;
      card.dataset.revealed = "false";
      title.textContent = poll.kind === "predict" ? "Prediction poll" : "Poll";
      question.textContent = poll.question || "";
      question.hidden = !poll.question;
      status.textContent = "";
      results.hidden = true;
      hide.hidden = true;
      choices.hidden = false;
      choices.replaceChildren(...poll.options.map((option, index) => {
        const button = el("button", { type: "button", "aria-pressed": "false", "data-poll-option": option }, String(option));
        button.addEventListener("click", () => choose(index));
        return button;
      }));
      if (Number.isInteger(poll.answer) && poll.options[poll.answer] !== undefined) answered(poll.answer);
    },
    reveal({ poll_id: pollId, counts, correct }) {
      if (!current || current.id !== pollId) return;
      card.hidden = false;
      card.dataset.revealed = "true";
      choices.hidden = true;
      const rows = histogramRows(current.options, counts, correct);
      results.hidden = false;
      results.replaceChildren(...rows.map((row) => el("li", { class: row.correct ? "correct" : null, "data-poll-result": row.option },
        el("span", { class: "student-poll-label", text: String(row.option) }),
        el("span", { class: "student-poll-bar", style: `--share: ${row.share}` }),
        el("span", { class: "num", "data-poll-count": true, text: String(row.count) }),
        row.correct ? el("span", { class: "student-poll-right", text: "✓ the right answer" }) : null)));
      const said = mine === null ? "You did not answer." : `You answered ${mine}.`;
      const right = current.options[correct]; // the right answer is an option's index, as answers are
      if (right === undefined) status.textContent = said;
      else if (current.kind === "predict") status.textContent = `${said} The network said ${right}.`;
      else status.textContent = `${said} The right answer: ${right}.`;
      hide.hidden = false;
    },
    remove() { card.remove(); },
  };
}
