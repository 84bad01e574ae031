// Polls: the teacher asks a question with options, or "what will the network say?" about the
// digit on the teacher's screen (the server takes the class model's answer for the class state
// as the right one). The answers arrive live as counts the server keeps (`answer` events) and
// are drawn as a histogram; Reveal shows every screen the counts and the right answer.
import * as api from "../../api.js";
import { el, showErrorIn } from "../../components/dom.js";
import { histogramRows, pollOptions } from "../../lib/classpoll.js";

/** The polls of class `record`: `show(poll)` (a poll event, the class's current poll or a new
 * one), `counts(event)` (an `answer` event), `revealed(event)`. `sendState()` puts the teacher's
 * view as the class state before a predict poll, whose digit is the state's. */
export function classPolls(record, sendState) {
  let poll = null; // {id, kind, question, options, counts, revealed, correct}
  const question = el("input", { id: "class-poll-question", type: "text", maxlength: "200", "data-class-poll-question": true });
  const options = el("textarea", { id: "class-poll-options", rows: "3", "data-class-poll-options": true });
  const ask = el("button", { type: "button", "data-class-poll-ask": true, text: "Ask" });
  const predict = el("button", { type: "button", class: "primary", "data-class-poll-predict": true,
    text: "Ask: what will the network say?" });
  const error = el("p", { class: "error", role: "alert", hidden: true });
  const card = el("div", { class: "class-poll", hidden: true, "data-class-poll": true });
  const node = el("section", { class: "class-polls", "aria-labelledby": "class-polls-title" },
    el("h3", { id: "class-polls-title", text: "Polls" }),
    predict,
    el("p", { class: "muted", text: "The class guesses the network's answer for the digit on your screen." }),
    el("label", { for: "class-poll-question", text: "Or a question of your own" }), question,
    el("label", { for: "class-poll-options", text: "Its options, one a line (up to 10)" }), options,
    el("div", { class: "row" }, ask),
    error, card);

  function render() {
    card.hidden = !poll;
    if (!poll) return;
    const rows = histogramRows(poll.options, poll.counts, poll.revealed ? poll.correct : null);
    const total = rows.reduce((sum, row) => sum + row.count, 0);
    const reveal = el("button", { type: "button", class: "primary", "data-class-poll-reveal": true,
      text: "Reveal", disabled: poll.revealed });
    reveal.addEventListener("click", () => act(() => api.revealPoll(record.code, record.token, poll.id)));
    card.replaceChildren(
      el("p", { class: "class-poll-question", "data-class-poll-text": true, text: poll.question }),
      el("ul", { class: "class-histogram", "data-class-histogram": true }, ...rows.map((row) =>
        el("li", { class: row.correct ? "correct" : "", "data-option": String(row.option), "data-count": String(row.count) },
          el("span", { class: "class-option", text: String(row.option) }),
          el("span", { class: "class-bar" }, el("span", { class: "class-bar-fill", style: `width: ${row.share * 100}%` })),
          el("span", { class: "class-bar-count", text: String(row.count) }),
          row.correct ? el("span", { class: "class-correct", text: "the answer" }) : null))),
      el("p", { class: "muted", "data-class-poll-total": true,
        text: `${total} answer${total === 1 ? "" : "s"}${poll.revealed ? "; revealed on every screen" : ""}` }),
      el("div", { class: "row" }, reveal));
  }

  async function act(request) {
    try {
      const answer = await request();
      showErrorIn(error, null);
      return answer;
    } catch (failure) {
      showErrorIn(error, failure);
      return null;
    }
  }

  function show(next) {
    if (!next) { poll = null; render(); return; }
    const same = poll && poll.id === next.id;
    poll = { counts: same ? poll.counts : null, revealed: false, correct: null, ...(same ? poll : {}), ...next };
    render();
  }

  predict.addEventListener("click", async () => {
    const created = await act(async () => {
      await sendState();
      return api.createPoll(record.code, record.token, { kind: "predict" });
    });
    if (created) show(created);
  });
  ask.addEventListener("click", async () => {
    const body = { question: question.value.trim(), options: pollOptions(options.value) };
    const created = await act(() => api.createPoll(record.code, record.token, body));
    if (created) { question.value = ""; options.value = ""; show(created); }
  });

  return {
    node,
    show,
    counts(event) { if (poll && event.poll_id === poll.id) { poll.counts = event.counts; render(); } },
    revealed(event) {
      if (!poll || event.poll_id !== poll.id) return;
      Object.assign(poll, { counts: event.counts, correct: event.correct, revealed: true });
      render();
    },
  };
}
