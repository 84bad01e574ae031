// The Convolution view's controls: the title, the layer and filter pickers, the Backward toggle,
// and the transport (Back, Play/Pause, Step, speed, the scrub bar, the position).
import { el } from "../../components/dom.js";

/** The head, the picker row and the transport row; `ui` holds the nodes the view updates. */
export function controlsSection() {
  const ui = {
    example: el("p", { class: "muted", "data-stepper-example": true, hidden: true },
      "An example digit “3” is shown until you draw one in the Draw tab."),
    layer: el("select", { "data-stepper-layer": true }),
    channel: el("select", { "data-stepper-channel": true }),
    direction: el("button", { type: "button", "data-direction": "forward", "aria-pressed": "false",
      title: "Show this position's share of the gradients" }, "Backward: off"),
    shape: el("span", { class: "muted", "data-stepper-shape": true }),
    back: el("button", { type: "button", "data-step-back": true, "aria-label": "Back one position" }, "◀ Back"),
    play: el("button", { type: "button", class: "primary", "data-play": true, "aria-pressed": "false" }, "Play"),
    next: el("button", { type: "button", "data-step-next": true, "aria-label": "Next position" }, "Step ▶"),
    speed: el("input", { type: "range", "data-speed": true, min: "1", max: "20", step: "1", value: "3" }),
    speedText: el("span", { class: "num", "data-speed-text": true }, "3/s"),
    scrub: el("input", { type: "range", "data-scrub": true, min: "0", max: "0", value: "0" }),
    position: el("span", { class: "position num", "data-position": true, "data-row": "0", "data-col": "0" }, "row 0, col 0"),
  };
  const head = el("div", { class: "stepper-head" },
    el("h2", {}, "Convolution, one position at a time"), ui.example);
  const pick = el("div", { class: "row stepper-pick" },
    el("label", {}, "Layer ", ui.layer),
    el("label", {}, "Filter (output channel) ", ui.channel),
    ui.direction, ui.shape);
  const transport = el("div", { class: "row transport", role: "group", "aria-label": "Stepper controls" },
    ui.back, ui.play, ui.next,
    el("label", {}, "Speed ", ui.speed, " ", ui.speedText),
    el("label", { class: "scrub" }, "Position ", ui.scrub),
    ui.position);
  return { nodes: [head, pick, transport], ui };
}

/** The layer and filter options for `convs` (rebuilt only when they change), the chosen ones
 * from `pos`, and the scrub bar's range. */
export function renderControls(ui, convs, pos) {
  const names = convs.map((c) => c.name);
  if ([...ui.layer.options].map((o) => o.value).join() !== names.join()) {
    ui.layer.replaceChildren(...convs.map((c) => {
      const [kh, kw] = c.geometry.kernel;
      const text = `${c.name} (${kh}×${kw}, ${c.outShape[0]} filters)`;
      return el("option", { value: c.name, text });
    }));
  }
  ui.layer.value = pos.conv.name;
  const n = pos.conv.outShape[0];
  if (ui.channel.options.length !== n) {
    ui.channel.replaceChildren(...Array.from({ length: n }, (_, i) => {
      return el("option", { value: String(i), text: `filter ${i}` });
    }));
  }
  ui.channel.value = String(pos.channel);
  ui.scrub.max = String(pos.total - 1);
}

/** The scrub bar and the position text at `pos` (while the server picks the most active
 * position, pos.step is null: the text says so). */
export function renderPlace(ui, pos) {
  if (pos.step === null) {
    ui.position.textContent = "finding the most active position…";
    delete ui.position.dataset.row;
    delete ui.position.dataset.col;
    return;
  }
  ui.scrub.value = String(pos.step);
  ui.scrub.setAttribute("aria-valuetext", `row ${pos.row}, column ${pos.col}`);
  ui.position.dataset.row = String(pos.row);
  ui.position.dataset.col = String(pos.col);
  ui.position.textContent = `row ${pos.row}, col ${pos.col} · step ${pos.step + 1} of ${pos.total}`;
}

/** The Backward toggle for `direction` ("forward" or "backward"). */
export function renderDirection(ui, direction) {
  ui.direction.dataset.direction = direction;
  ui.direction.setAttribute("aria-pressed", String(direction === "backward"));
  ui.direction.textContent = direction === "backward" ? "Backward: on" : "Backward: off";
}

/** The Play button while playing or not. */
export function renderPlaying(ui, playing) {
  ui.play.textContent = playing ? "Pause" : "Play";
  ui.play.setAttribute("aria-pressed", String(playing));
}
