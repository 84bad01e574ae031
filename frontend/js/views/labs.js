// The Labs view: the guided labs, one per course notebook, each a short sequence of steps. Every
// step says what to look at, links to the view state that shows it, and asks a question to try.
// Starting a lab (or opening any of its steps) opens that step's view with the lab bar above it
// (components/labbar.js), which walks the rest of the lab. The labs are data (js/labs/).
import { LABS } from "../labs/index.js";
import { openLab, openStep, stepHash } from "../lib/labs.js";
import { URL_KEYS } from "../store.js";
import { el } from "../components/dom.js";

/** `text` as nodes, its `backquoted` parts as code (a command to type). */
const words = (text) => text.split("`").map((part, i) => (i % 2 ? el("code", { text: part }) : part));

export function mount(root, store) {
  root.classList.add("labs-view");

  /** An "Open" link that is the step's own link (so it can be copied or opened in a new tab); a
   * plain click opens the step in place, clearing what an earlier step left in the link. */
  function stepLink(lab, number, text, attrs = {}) {
    const link = el("a", { href: stepHash(lab, number), ...attrs }, text);
    link.addEventListener("click", (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      store.set(openStep(lab, number, URL_KEYS));
    });
    return link;
  }

  function stepItem(lab, step, index, current) {
    const number = index + 1;
    const here = current === number;
    return el("li", { class: "lab-step", "data-lab-step-item": number, "aria-current": here ? "step" : null },
      el("h4", { text: step.title }),
      ...step.text.map((text) => el("p", {}, ...words(text))),
      el("p", { class: "lab-question" }, el("strong", { text: "Try: " }), step.question),
      stepLink(lab, number, `Open step ${number}`, { class: "lab-open", "aria-label": `Open step ${number}: ${step.title}` }),
    );
  }

  function labCard(lab, open) {
    const current = open && open.lab === lab ? open.number : null;
    const start = stepLink(lab, current || 1, current ? `Continue at step ${current}` : "Start this lab", {
      class: "button primary lab-start", "data-lab-start": lab.id,
    });
    return el("article", { class: "panel lab-card", "data-lab-card": lab.id, "aria-labelledby": `lab-${lab.id}` },
      el("h3", { class: "lab-title", id: `lab-${lab.id}`, text: lab.title }),
      el("p", { class: "muted lab-meta", text: `${lab.notebook} · ${lab.steps.length} steps` }),
      el("p", { text: lab.summary }),
      el("p", { class: "lab-data" }, el("strong", { text: "Data: " }), ...words(lab.data)),
      start,
      el("details", { class: "lab-steps-box", open: Boolean(current) },
        el("summary", { text: `The ${lab.steps.length} steps` }),
        el("ol", { class: "lab-steps" }, ...lab.steps.map((step, i) => stepItem(lab, step, i, current)))),
    );
  }

  function render() {
    const open = openLab(LABS, store.state);
    root.replaceChildren(
      el("div", { class: "panel labs-intro" },
        el("h2", { text: "Labs" }),
        el("p", { text: "Each lab follows one of the course notebooks through the views of this page, with the notebook's own numbers. Start one: a bar above every view then keeps the step, its question and the Back and Next buttons in reach." }),
        el("p", { class: "muted", text: "The labs run offline on the 10,000 training and 10,000 test digits the server has; each says when a notebook's set-up needs all 60,000 MNIST training digits." })),
      el("div", { class: "lab-list", "data-lab-list": "" }, ...LABS.map((lab) => labCard(lab, open))),
    );
    root.dataset.rendered = "true";
  }

  store.watch(["lab", "step"], render);
  render();
}
