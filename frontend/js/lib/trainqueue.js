// What the page says of a training job that waits for a free trainer, with no DOM: its place in
// the queue in words, and a job's state as the list of runs reads it. The server counts the
// positions (GET /api/train/{id} `queue_position`, the `queued` events); this only words them.

/** "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "112th" for a whole number ≥ 1. */
export function ordinal(n) {
  const tens = n % 100;
  const ones = n % 10;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ones === 1 ? "st" : ones === 2 ? "nd" : ones === 3 ? "rd" : "th";
  return `${n}${suffix}`;
}

/** What the run panel says while its job is queued: "Waiting for a free trainer: 3rd in line"
 * (1 = the next to start); without a position yet, only that it waits. */
export function waitingLine(position) {
  const base = "Waiting for a free trainer";
  return Number.isInteger(position) && position >= 1 ? `${base}: ${ordinal(position)} in line` : base;
}

/** What the run panel says of a job cancelled before it started (stop on a queued job). */
export const CANCELLED_LINE = "Cancelled while waiting: it never started. Set up a run and press Start.";

/** A job's state as a list of runs shows it ({state, queue_position}): a queued one with its
 * place in line, a cancelled one as never started, any other by its state's name. */
export function stateWords(job) {
  if (job.state === "queued") {
    const p = job.queue_position;
    return Number.isInteger(p) && p >= 1 ? `waiting, ${ordinal(p)} in line` : "waiting";
  }
  if (job.state === "cancelled") return "cancelled while waiting";
  return job.state;
}
