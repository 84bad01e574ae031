// A class poll's histogram as the teacher's panel draws it: the server counts the answers (an
// `answer` event's `counts`, a `reveal` event's counts and correct answer); this pairs each option
// with its count and the bar's length relative to the largest. Pure, tested with node.

/**
 * `[{option, count, share, correct}]` for `options` and the server's `counts`, given per option
 * either as a list in the options' order or as an object keyed by option; `share` is the count
 * over the largest count (0 when nobody answered), `correct` whether the option is the right
 * answer `correct`, an option's index as answers are (null before a reveal, or for a question
 * without a right answer; a predict poll's options are the digits, so its index is the digit).
 */
export function histogramRows(options, counts, correct = null) {
  const countOf = (option, index) => {
    const value = Array.isArray(counts) ? counts[index] : counts?.[String(option)];
    return Number.isFinite(value) ? value : 0;
  };
  const values = options.map(countOf);
  const most = Math.max(0, ...values);
  return options.map((option, index) => ({
    option,
    count: values[index],
    share: most ? values[index] / most : 0,
    correct: index === correct,
  }));
}

/** The options a question's text field holds: one a line, trimmed, blank lines dropped. */
export const pollOptions = (text) => String(text ?? "").split("\n").map((line) => line.trim()).filter(Boolean);
