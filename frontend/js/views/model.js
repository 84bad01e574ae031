// The Model view: the arithmetic of a network, layer by layer (where each parameter count comes
// from, what one digit costs in multiply-adds, how much memory each output takes), for the
// current model or a preset's architecture (the link's `arch`), then the activation functions
// with their derivatives (the link's `act`). The server computes every number; this module holds
// the frame and the wiring, views/model/ one module per section.
import * as api from "../api.js";
import { el, isAbort, showErrorIn } from "../components/dom.js";
import { catalogue } from "../shell.js";
import { activationSection } from "./model/activation.js";
import { arithmeticTable } from "./model/table.js";

const CURRENT = ""; // the select's value for "the current model"

export function mount(root, store) {
  root.classList.add("model-view");
  const archSelect = el("select", { id: "model-arch", "data-model-arch": "" },
    el("option", { value: CURRENT, text: "The current model" }));
  const status = el("p", { class: "muted", role: "status", "data-arith-status": "" });
  const error = el("p", { class: "error", role: "alert", hidden: true, "data-arith-error": "" });
  const tableSlot = el("div", { class: "arith-slot" });
  const arithmetic = el("section", { class: "panel arith", "aria-labelledby": "arith-heading", "data-arith": "" },
    el("h2", { id: "arith-heading", text: "Parameters and cost, layer by layer" }),
    el("p", { class: "muted", text: "A conv layer learns one kernel per input channel and a bias for each filter; a dense layer a weight per input and a bias for each output. Each weight is used once per output position: that is its multiply-adds for one digit. Memory is one digit's output, kept for the backward pass while training." }),
    el("div", { class: "row" }, el("label", {}, "Network", archSelect)),
    status, error, tableSlot,
  );
  const activations = el("section", { class: "panel act", "aria-labelledby": "act-heading", "data-act": "" });
  root.replaceChildren(arithmetic, activations);
  const activation = activationSection(activations, store);

  let controller = null;
  // The presets' names, once the catalogue is in: a link's `arch` that names none is said so
  // here rather than sent.
  const presetNames = catalogue().then(({ presets }) => {
    archSelect.append(...presets.map((p) => el("option", { value: p.name, text: `${p.name} (architecture, untrained)` })));
    return presets.map((p) => p.name);
  });

  async function loadArithmetic() {
    const arch = store.state.arch || null;
    const id = store.state.model;
    if (!arch && !id) return;
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    let names;
    try {
      names = await presetNames;
    } catch (problem) {
      showErrorIn(error, problem);
      return;
    }
    if (signal.aborted) return;
    if (arch && !names.includes(arch)) {
      tableSlot.replaceChildren();
      showErrorIn(error, new Error(`No architecture is called "${arch}": choose one of ${names.join(", ")}.`));
      return;
    }
    archSelect.value = arch || CURRENT;
    const model = store.state.models.find((m) => m.id === id);
    status.textContent = arch ? `The ${arch} architecture, before any training: its numbers depend on its shapes alone.`
      : `The current model, ${model ? model.name : id}.`;
    try {
      const answer = arch ? await api.architectureArithmetic(arch, signal) : await api.modelArithmetic(id, signal);
      tableSlot.replaceChildren(el("div", { class: "arith-scroll" }, arithmeticTable(answer)));
      arithmetic.dataset.rendered = answer.source;
      showErrorIn(error, null);
    } catch (problem) {
      if (isAbort(problem)) return;
      tableSlot.replaceChildren();
      showErrorIn(error, problem);
    }
  }

  archSelect.addEventListener("change", () => store.set({ arch: archSelect.value || null }));
  store.watch(["arch", "model"], (state) => { if (state.tab === "model") loadArithmetic(); });
  store.watch(["tab"], (state) => { if (state.tab === "model") loadArithmetic(); });

  loadArithmetic();
  activation.load();
}
