// The model list (GET /api/models) as the picker and the Models panel show it. The words are the
// server's (each model's name, label and accuracy text); here they are only grouped and joined.

/** Bundled models first, then the user's ("Yours"), each in the server's order; a group without
 * a model is left out. */
export function modelGroups(models) {
  const groups = [
    { title: "Bundled", models: models.filter((m) => m.builtin) },
    { title: "Yours", models: models.filter((m) => !m.builtin) },
  ];
  return groups.filter((group) => group.models.length);
}

/** A picker option's text: the model's name and its accuracy on its classes. */
export const optionText = (model) => `${model.name} — ${model.accuracy_text}`;

/** What the model is, when its name does not say it: the label under a name a user gave, else
 * nothing (the name is the label). */
export const whatItIs = (model) => (model && model.name !== model.label ? model.label : "");
