// The Train view's notebook set-ups: the server's training recipes (GET /api/train/recipes, one
// per course notebook's experiment) in a select; choosing one puts its name in the link
// (`recipe=`), and the view fills the form from it.
import * as api from "../../api.js";
import { extraText } from "../../lib/trainrecipe.js";
import { el as h } from "../../components/dom.js";

/** The picker: { element, find(name) (a promise of the recipe, null when unknown), show(recipe,
 * extra) (its note, and the fields the form does not show) }. `pick(name)` is called when the
 * user chooses one ("" for none). */
export function recipePicker({ pick }) {
  const select = h("select", { name: "recipe", "data-recipe": true }, h("option", { value: "", text: "none: set up a run yourself" }));
  const note = h("p", { class: "muted field-note", "data-recipe-note": true, hidden: true });
  const element = h("div", { class: "field recipes" },
    h("label", {}, h("span", { class: "field-label", text: "Notebook set-ups" }), select), note);
  let loaded = null;

  function load() {
    loaded ??= api.listRecipes().then((recipes) => {
      select.append(...recipes.map((r) => h("option", { value: r.name, text: r.title })));
      return recipes;
    }).catch((error) => {
      loaded = null;
      note.hidden = false;
      note.textContent = `The set-ups cannot be listed: ${error.message}`;
      return [];
    });
    return loaded;
  }
  select.addEventListener("change", () => pick(select.value));
  load();

  return {
    element,
    async find(name) {
      const recipes = await load();
      return recipes.find((r) => r.name === name) || null;
    },
    show(recipe, extra) {
      select.value = recipe ? recipe.name : "";
      const words = recipe ? [`Notebook ${recipe.notebook}: ${recipe.note}`, extraText(extra)].filter(Boolean).join(" ") : "";
      note.hidden = !words;
      note.textContent = words;
    },
  };
}
