// The training form's values checked before they are sent, with the limits the server applies
// (cnnviz.train.config), so an obvious slip is named at once; the server checks everything again.

const whole = (v) => Number.isInteger(v);

/** Problems with the form's numbers (an empty list when it can be sent). */
export function formProblems(form, maxBatch = 512, maxEpochs = 1000) {
  const problems = [];
  const need = (ok, text) => { if (!ok) problems.push(text); };
  need(form.train_size === null || (whole(form.train_size) && form.train_size >= 1), "Training digits must be a whole number of at least 1 (or empty for all).");
  need(whole(form.epochs) && form.epochs >= 1 && form.epochs <= maxEpochs, `Epochs must be a whole number from 1 to ${maxEpochs}.`);
  need(whole(form.batch_size) && form.batch_size >= 1 && form.batch_size <= maxBatch, `Batch size must be a whole number from 1 to ${maxBatch}.`);
  need(typeof form.lr === "number" && Number.isFinite(form.lr) && form.lr > 0, "The learning rate must be a number above 0, e.g. 0.001.");
  need(whole(form.seed) && form.seed >= 0, "The seed must be a whole number of at least 0.");
  need(form.classes === null || (Array.isArray(form.classes) && form.classes.length >= 2), "Choose at least 2 classes to learn.");
  return problems;
}
