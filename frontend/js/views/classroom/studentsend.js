// "Send my drawing", the student's panel on the Draw view: the digit the student meant and a
// Send button; the pad's drawing goes to the class (read by the class's model, counted in the
// teacher's gallery and confusion matrix) and the panel says what the network read.
import { CANVAS_SIZE } from "../../components/strokes.js";
import { el } from "../../components/dom.js";
import { percent } from "../../lib/format.js";

/** The pad's picture as a PNG data URL at the pad's CSS size (280×280), whatever the screen's
 * pixel ratio: what the class receives is the same from a phone and a laptop, and small. */
function padImage(canvas) {
  const out = document.createElement("canvas");
  out.width = CANVAS_SIZE;
  out.height = CANVAS_SIZE;
  out.getContext("2d").drawImage(canvas, 0, 0, CANVAS_SIZE, CANVAS_SIZE);
  return out.toDataURL("image/png");
}

/**
 * Add the panel to the Draw view `root` once the view has drawn its pad (views mount on first
 * visit). `hasDrawing()` says whether the pad holds a digit; `send(image, label)` posts it and
 * answers `{predicted, probabilities}`. Returns `{setDigits(labels), remove()}`: the digits the
 * class's model knows, offered as "the digit I meant".
 */
export function mountSendPanel(root, { hasDrawing, send }) {
  const meant = el("select", { id: "student-send-label", "data-student-send-label": true });
  const button = el("button", { type: "button", class: "primary", "data-student-send": true }, "Send my drawing");
  const status = el("p", { class: "student-send-status", role: "status", "data-student-send-status": true });
  const panel = el("section", { class: "student-send", "aria-labelledby": "student-send-title", "data-student-send-panel": true },
    el("h3", { id: "student-send-title", text: "Send my drawing to the class" }),
    el("div", { class: "row student-send-row" },
      el("label", { for: "student-send-label", text: "The digit I meant" }), meant, button),
    status);

  button.addEventListener("click", async () => {
    const canvas = root.querySelector("[data-draw-canvas]");
    if (!canvas || !hasDrawing()) {
      status.textContent = "Draw a digit on the pad first.";
      return;
    }
    button.disabled = true;
    status.textContent = "Sending…";
    try {
      const label = Number(meant.value);
      const answer = await send(padImage(canvas), label);
      const sure = percent(Math.max(...answer.probabilities), 0);
      status.dataset.predicted = String(answer.predicted);
      status.textContent = answer.predicted === label
        ? `Sent. The class's network read your ${label} as ${answer.predicted} (${sure}).`
        : `Sent. The class's network read your ${label} as ${answer.predicted} (${sure}): a misread your class will look at.`;
    } catch (failure) {
      status.textContent = `Your drawing was not sent: ${failure.message}`;
    } finally {
      button.disabled = false;
    }
  });

  // The Draw view builds its panels when first shown; the panel joins its pad panel then.
  const attach = () => {
    const pad = root.querySelector(".draw-input");
    if (!pad) return false;
    pad.append(panel);
    return true;
  };
  const watcher = new MutationObserver(() => { if (attach()) watcher.disconnect(); });
  if (!attach()) watcher.observe(root, { childList: true });

  return {
    setDigits(labels) {
      const chosen = meant.value;
      meant.replaceChildren(...labels.map((label) => el("option", { value: String(label), text: String(label) })));
      if (labels.map(String).includes(chosen)) meant.value = chosen;
    },
    remove() {
      watcher.disconnect();
      panel.remove();
    },
  };
}
