// Section 2 of the Pooling view: the network's pooled map beside average pooling of the same
// input over the same windows (the pool-step answer's `average`, computed by the server).
import { extent, fromRows } from "../../lib/arrays.js";
import { scaleFor } from "../../lib/colour.js";
import { legend } from "../../components/heatmap.js";
import { el } from "../../components/dom.js";
import { stage } from "./parts.js";

/** Section 2 in `section` for the pool context `ctx`. */
export function renderAverage(section, ctx) {
  const avg = fromRows(ctx.step.average);
  const scale = scaleFor(extent([...ctx.input.data, ...ctx.output.data]));
  const mine = ctx.isMax ? "max" : "average";
  section.replaceChildren(
    el("h2", { id: "pool-h2", text: "2 · Average pooling, for comparison" }),
    el("p", {}, ctx.isMax
      ? "Average pooling keeps the mean of each window instead of its maximum. The model uses max pooling; the server averaged the same input over the same windows for this map."
      : "This layer already averages; the server averaged its input again for the map below."),
    el("div", { class: "pool-pair" },
      el("figure", { class: "pool-fig" }, stage(ctx.output, scale, `${mine} pooled map`).root,
        el("figcaption", { text: `${ctx.isMax ? "Max" : "Average"} pooling (the network)` })),
      el("figure", { class: "pool-fig", "data-avg-pool": "" }, stage(avg, scale, "average pooled map").root,
        el("figcaption", { text: "Average pooling (the same windows)" })),
    ),
    legend(scale, "activation"),
    el("p", { class: "muted", text: "Max pooling keeps sharp, strong strokes; averaging blurs them and dims thin lines, because the quiet cells of each window pull the mean down." }),
  );
}
