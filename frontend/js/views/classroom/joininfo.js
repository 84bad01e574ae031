// How students join, for the projector: the class code in large type, the join link and its QR
// code (an SVG the server draws, GET /api/qr), and the roster: how many have joined and their
// names, as text in <bdi> (a name is never markup, and a right-to-left one cannot reorder the
// text around it), or no names at all while the class is anonymized.
import { qrUrl } from "../../api.js";
import { el } from "../../components/dom.js";

/** The section for class `record` (`{code, join_url}`); `roster(students)` and
 * `setAnonymize(on)` update it. */
export function joinInfo(record) {
  let students = [];
  let anonymize = false;
  const count = el("p", { class: "class-count", "data-class-count": true, role: "status" });
  const names = el("ul", { class: "class-names", "data-class-names": true });
  const link = el("input", {
    id: "class-join-link", type: "text", readonly: true, value: record.join_url, class: "class-link",
    "data-class-link": true, spellcheck: "false",
  });

  function render() {
    const n = students.length;
    count.textContent = n === 1 ? "1 student has joined" : `${n} students have joined`;
    names.hidden = anonymize || n === 0;
    names.replaceChildren(...(anonymize ? [] : students.map((s) => el("li", {}, el("bdi", { text: s.name })))));
  }

  const node = el("section", { class: "class-join", "aria-labelledby": "class-join-title" },
    el("h3", { id: "class-join-title", class: "sr-only", text: "How to join" }),
    el("div", { class: "class-join-row" },
      el("div", { class: "class-join-text" },
        el("p", { class: "class-code-label", id: "class-code-label", text: "Class code" }),
        el("p", { class: "class-code", "data-class-code": true, "aria-labelledby": "class-code-label", text: record.code }),
        el("label", { for: "class-join-link", text: "Join link" }),
        link),
      el("img", {
        class: "class-qr", "data-class-qr": true, src: qrUrl(record.join_url), width: "160", height: "160",
        alt: "QR code of the join link: scan it to join the class",
      })),
    count, names);
  link.addEventListener("focus", () => link.select());
  render();
  return {
    node,
    roster(list) { students = list; render(); },
    setAnonymize(on) { anonymize = on; render(); },
  };
}
