// What the Train view offers, read from GET /api/catalogue, with no DOM: the networks (the
// server's presets, then the layer builder) and the optimizers, each with a line saying what it is.
import { grouped } from "./format.js";

/** The Network choice that opens the layer builder (not a preset: the page builds its spec). */
export const CUSTOM = "custom";

/** The Network choices as {value, text, note}: each preset with its parameter count and
 * description, then the layer builder. */
export function networkChoices(catalogue) {
  return [
    ...catalogue.presets.map((preset) => ({
      value: preset.name,
      text: `${preset.name} · ${grouped(preset.parameters)} parameters`,
      note: preset.description,
    })),
    { value: CUSTOM, text: "custom: build it layer by layer", note: "Your own network: add, move and remove layers below." },
  ];
}

/** The Optimizer choices as {value, text, note}. */
export function optimizerChoices(catalogue) {
  return catalogue.optimizers.map((optimizer) => ({ value: optimizer.name, text: optimizer.name, note: optimizer.description }));
}

/** `value` when it is one of `choices`' values, else the first choice's (null when there is none). */
export function known(value, choices) {
  if (choices.some((choice) => choice.value === value)) return value;
  return choices.length ? choices[0].value : null;
}
