// The lab bar: while a lab is open (the URL's `lab` and `step`), a slim bar says which step is on
// screen, what it is about and what to try, with Back, Next and Close, so a student can follow a
// lab without returning to the list. It is the header's last row: in the page's flow above the
// view, so it never covers what the view draws at the top, and on screens where the header is
// sticky it stays in sight with the header however far a long view scrolls (css/labs.css).
// Back and Next open the step's view state.
import { LABS } from "../labs/index.js";
import { closeLab, openLab, openStep } from "../lib/labs.js";
import { URL_KEYS } from "../store.js";
import { announce } from "../shell.js";
import { el } from "./dom.js";

/** Put the lab bar at the end of the page's `header` and keep it in step with `store`'s lab and
 * step. */
export function mountLabBar(store, header) {
  // A region, not an aside: a complementary landmark may not sit inside the header's banner.
  const bar = el("section", { class: "labbar", "data-labbar": "", hidden: true });
  header.append(bar);
  // Whether the reader opened or closed the step's explanation (phones start with it closed).
  let explained = !matchMedia("(max-width: 700px)").matches;

  const go = (lab, number) => {
    store.set(openStep(lab, number, URL_KEYS));
    announce(`${lab.title}: step ${number} of ${lab.steps.length}, ${lab.steps[number - 1].title}`);
  };

  function render() {
    const open = openLab(LABS, store.state);
    bar.hidden = !open;
    if (!open) {
      bar.replaceChildren();
      return;
    }
    const { lab, number, step } = open;
    const count = lab.steps.length;
    bar.setAttribute("aria-label", `Lab: ${lab.title}`);
    bar.dataset.lab = lab.id;
    bar.dataset.labStep = String(number);

    const back = el("button", { type: "button", "data-lab-back": "", disabled: number === 1 }, "Back");
    back.addEventListener("click", () => go(lab, number - 1));
    const last = number === count;
    const next = el("button", { type: "button", class: "primary", "data-lab-next": "" }, last ? "All labs" : "Next");
    next.addEventListener("click", () => (last ? store.set({ ...closeLab(), tab: "labs" }) : go(lab, number + 1)));
    const close = el("button", { type: "button", class: "labbar-close", "data-lab-close": "", "aria-label": `Close the lab ${lab.title}` }, "Close");
    close.addEventListener("click", () => store.set(closeLab()));

    const details = el("details", { class: "labbar-text", open: explained },
      el("summary", { text: "About this step" }),
      ...step.text.map((text) => el("p", { text })));
    details.addEventListener("toggle", () => { explained = details.open; });

    bar.replaceChildren(
      el("div", { class: "labbar-head" },
        el("p", { class: "labbar-where" },
          el("span", { class: "labbar-lab", text: lab.title }),
          el("span", { class: "labbar-count", "data-lab-count": "", text: `Step ${number} of ${count}` }),
          el("strong", { class: "labbar-title", text: step.title })),
        el("div", { class: "labbar-buttons" }, back, next, close)),
      el("p", { class: "labbar-question", "data-lab-question": "" },
        el("span", { class: "labbar-try", text: "Try: " }), step.question),
      details,
    );
  }

  store.watch(["lab", "step"], render);
  render();
}
