// The Train view's plan of a run before it starts: the server's answer to "what would this run
// be?" (POST /api/train/plan), asked 300 ms after the last change to the form, only the latest
// answer shown: the steps, the time it takes at its pace, the validation points, the compute
// against the budget; its problems go beside the fields they are about (the form's part).
import * as api from "../../api.js";
import { planLines } from "../../lib/trainplan.js";
import { latestOnly, throttledRequests } from "../../lib/scheduler.js";
import { el as h, isAbort } from "../../components/dom.js";

/** How long after the last change the plan is asked for (ms). */
const PLAN_DELAY = 300;

/**
 * The plan box: `body()` is the request to plan (null while it cannot be sent, e.g. layers
 * still being checked), `onPlan(plan)` gets every answer shown. Returns { element, soon() (ask
 * after the delay), now() (ask at once: a promise of the plan, null when there is no body),
 * stop() }.
 */
export function planBox({ body, onPlan }) {
  const element = h("div", { class: "train-plan", "data-train-plan": true, role: "status" },
    h("p", { class: "muted", text: "Working out what this run would be…" }));
  const latest = latestOnly();
  const pace = throttledRequests(() => { ask().catch(() => {}); }, { interval: PLAN_DELAY, debounce: PLAN_DELAY });

  function show(plan) {
    const lines = planLines(plan);
    element.replaceChildren(...(lines.length
      ? lines.map((text) => h("p", { text }))
      : [h("p", { class: "muted", text: plan.fits ? "" : "This run cannot start as it is set up: see the messages beside the fields." })]));
    const data = { seconds: plan.seconds, totalSteps: plan.total_steps, stepsPerSecond: plan.steps_per_second, validationPoints: plan.validation_points, fits: plan.fits };
    for (const [key, value] of Object.entries(data)) element.dataset[key] = value === null || value === undefined ? "" : String(value);
  }

  async function ask() {
    const request = body();
    if (!request) { latest.abort(); return null; }
    const controller = latest.start();
    try {
      const plan = await api.planTraining(request, controller.signal);
      if (!latest.finish(controller)) return plan; // a newer question is on its way
      show(plan);
      onPlan(plan);
      return plan;
    } catch (error) {
      if (isAbort(error)) throw error;
      latest.finish(controller);
      element.replaceChildren(h("p", { class: "error", text: `The run cannot be planned: ${error.message}` }));
      throw error;
    }
  }

  return {
    element,
    /** Ask nothing more (the form was replaced). */
    stop() { latest.abort(); pace.cancel(); },
    soon() {
      latest.abort(); // an answer still on its way is about the form before this change
      pace.soon();
    },
    now() {
      pace.cancel();
      return ask();
    },
  };
}
