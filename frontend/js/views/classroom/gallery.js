// The class's drawings as they arrive, grouped by the digit each student meant, a misread marked
// with what the network said instead. Each drawing is a button that spotlights it on every
// screen (pressed again, the spotlight goes). A confusion-matrix cell narrows the gallery to its
// drawings; "Show all" widens it again. Names show in the labels unless the class is anonymized.
import * as api from "../../api.js";
import { el, showErrorIn } from "../../components/dom.js";
import { galleryGroups } from "../../lib/classgallery.js";

/** The gallery of class `record`: `load(list)`, `add(drawing)` (a `drawing` event; known ids
 * are replaced, not doubled), `spotlight(id | null)`, `narrow(cell | null)`, `setAnonymize(on)`. */
export function classGallery(record) {
  const drawings = new Map(); // id -> drawing, in arrival order
  let filter = null;
  let spotlit = null;
  let anonymize = false;
  let frame = 0;
  const groups = el("div", { class: "class-groups", "data-class-gallery": true });
  const filterLine = el("p", { class: "class-filter", hidden: true, "data-class-filter": true });
  const error = el("p", { class: "error", role: "alert", hidden: true });
  const showAll = el("button", { type: "button", text: "Show all", "data-class-show-all": true });
  const empty = el("p", { class: "muted", "data-class-empty": true, text: "No drawings yet: students send theirs from the Draw view." });
  const node = el("section", { class: "class-gallery", "aria-labelledby": "class-gallery-title" },
    el("h3", { id: "class-gallery-title", text: "Drawings, by the digit meant" }),
    el("p", { class: "muted", text: "Select one to spotlight it on every screen." }),
    el("div", { class: "row class-filter-row" }, filterLine, showAll),
    empty, groups, error);

  function label(drawing) {
    const who = anonymize || !drawing.name ? "A student's" : `${drawing.name}'s`;
    const read = drawing.misread ? `read as ${drawing.predicted}` : "read right";
    return `${who} ${drawing.label}, ${read}`;
  }

  function thumbnail(drawing) {
    const button = el("button", {
      type: "button", class: drawing.misread ? "class-drawing misread" : "class-drawing",
      "data-class-drawing": drawing.id, "aria-pressed": String(drawing.id === spotlit), "aria-label": label(drawing),
      title: label(drawing),
    },
    el("img", { src: drawing.image, alt: "", width: "56", height: "56" }),
    el("span", { class: "class-read", "aria-hidden": "true", text: drawing.misread ? `→ ${drawing.predicted}` : "✓" }));
    button.addEventListener("click", () => choose(drawing.id));
    return button;
  }

  function render() {
    frame = 0;
    const list = galleryGroups([...drawings.values()], filter);
    empty.hidden = drawings.size > 0;
    showAll.hidden = !filter;
    filterLine.hidden = !filter;
    if (filter) filterLine.textContent = `Showing the ${filter.label}s read as ${filter.predicted}.`;
    groups.replaceChildren(...list.map((group) =>
      el("div", { class: "class-group", "data-class-group": group.label },
        el("h4", { text: `${group.label} (${group.total})` }),
        el("div", { class: "class-thumbs" }, ...group.shown.map(thumbnail)))));
  }
  const renderSoon = () => { frame ||= requestAnimationFrame(render); };

  async function choose(id) {
    const next = id === spotlit ? null : id;
    try {
      await api.spotlightDrawing(record.code, record.token, next);
      showErrorIn(error, null);
      spotlit = next;
      renderSoon();
    } catch (failure) {
      showErrorIn(error, failure);
    }
  }

  showAll.addEventListener("click", () => { filter = null; render(); });
  render();
  return {
    node,
    load(list) { drawings.clear(); for (const d of list) drawings.set(d.id, d); renderSoon(); },
    add(drawing) { drawings.set(drawing.id, drawing); renderSoon(); },
    spotlight(id) { spotlit = id; renderSoon(); },
    narrow(cell) { filter = cell; render(); node.scrollIntoView({ block: "nearest" }); },
    setAnonymize(on) { anonymize = on; renderSoon(); },
  };
}
