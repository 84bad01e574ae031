// Section 1 of the Pooling view: the pooling input with every window and its winner marked, the
// pooled output, and the chosen window's numbers forward and back (POST /api/pool-step). The
// windows, their ties and the first window's numbers are the answer renderAll fetched
// (`ctx.step`); choosing another window asks for that one.
import { announce } from "../../shell.js";
import { extent } from "../../lib/arrays.js";
import { scaleFor } from "../../lib/colour.js";
import { fixed } from "../../lib/format.js";
import { formatCell } from "../../lib/url.js";
import { maxAbs, windowIndexAt } from "../../lib/pooling.js";
import { legend } from "../../components/heatmap.js";
import { numberGrid } from "../../components/numbergrid.js";
import { el, isAbort, svg } from "../../components/dom.js";
import { stage, windowRect } from "./parts.js";

const LINK_DELAY_MS = 400;

/** Section 1 in `section`: `render(ctx)` draws it for a pool context with its first answer
 * `ctx.step`; the chosen window is `local.sel`, kept across renders (like the pending window
 * request and its debounce); `poolStep(ctx, cell, signal)` asks for another window. */
export function windowSection(section, { local, store, fresh, poolStep }) {
  let shown = null; // the drawn section's context and the nodes that follow the selection
  function render(ctx) {
    const scale = scaleFor(extent([...ctx.input.data, ...ctx.output.data]));
    const kind = ctx.isMax ? "max" : "average";
    const { kernel, stride, padding } = ctx.geometry;
    const { windows } = ctx.step;
    const title = el("h2", { id: "pool-h1", text: `1 · ${ctx.isMax ? "Max" : "Average"} pooling over the whole map` });
    const strideText = stride[0] === stride[1] ? `${stride[0]}` : `${stride[0]}×${stride[1]}`;
    const padText = padding.some(Boolean) ? `, padding ${padding.join(", ")} (top, bottom, left, right)` : "";
    const lead = el("p", {},
      `${ctx.name} slides a ${kernel[0]}×${kernel[1]} window with stride ${strideText}${padText} over ${ctx.prevName}'s channel ${ctx.channel} `
      + `(${ctx.input.height}×${ctx.input.width}) and keeps the ${kind} of each window: ${ctx.output.height}×${ctx.output.width} outputs.`
      + (ctx.isMax ? " The ring marks each window's winner; faint rings mark ties (e.g. a window of zeros), where the first cell wins." : ""));

    const big = stage(ctx.input, scale, `${ctx.prevName} channel ${ctx.channel}, the pooling input`, "pool-stage-input");
    big.root.tabIndex = 0;
    big.root.setAttribute("data-pool-input", "");
    big.root.setAttribute("aria-label", `Pooling windows over ${ctx.prevName}: use the arrow keys to pick a window`);
    big.root.setAttribute("role", "application");
    // every window, as the server lists them
    const grid = svg("g", { class: "pool-gridlines" });
    for (const rows of windows.rows) for (const cols of windows.cols) grid.append(windowRect(rows, cols));
    big.overlay.append(grid);
    // the winners; a tie (e.g. a window of zeros: the first cell wins) is drawn faint
    if (ctx.indices) {
      const winners = svg("g", { class: "pool-winners" });
      const ties = ctx.step.winner_ties.flat();
      for (let i = 0; i < ctx.indices.length; i += 1) {
        const idx = ctx.indices[i];
        const dot = svg("circle", {
          cx: (idx % ctx.input.width) + 0.5, cy: Math.floor(idx / ctx.input.width) + 0.5, r: 0.36, "data-winner": "", "data-out": i,
        });
        if (ties[i] > 1) dot.classList.add("is-tie");
        winners.append(dot);
      }
      big.overlay.append(winners);
    }
    const selected = svg("g", { "data-pool-window": "" });
    big.overlay.append(selected);

    const small = stage(ctx.output, scale, `${ctx.name} channel ${ctx.channel}, the pooled output`, "pool-stage-output");
    small.root.setAttribute("data-pool-output", "");
    const cellRect = svg("rect", { class: "pool-window", width: 1, height: 1 });
    small.overlay.append(cellRect);

    const detail = el("div", { class: "pool-detail", "data-pool-detail": "", "aria-live": "polite" });
    const figures = el("div", { class: "pool-figures" },
      el("figure", { class: "pool-fig pool-fig-big" }, big.root,
        el("figcaption", { text: `${ctx.prevName} · channel ${ctx.channel} · ${ctx.input.height}×${ctx.input.width} (input of ${ctx.name})` })),
      el("figure", { class: "pool-fig pool-fig-small" }, small.root,
        el("figcaption", { text: `${ctx.name} · ${ctx.output.height}×${ctx.output.width} (output)` })),
      detail,
    );
    section.replaceChildren(title, lead, figures, legend(scale, "activation"),
      el("p", { class: "muted", text: "Hover or click a window (or focus the map and use the arrow keys) to see its numbers." }));

    shown = { ctx, selected, cellRect, detail, scale };
    placeSelection();

    const pick = (event, target, cellW, cellH) => {
      const box = target.getBoundingClientRect();
      const x = ((event.clientX - box.left) / box.width) * cellW;
      const y = ((event.clientY - box.top) / box.height) * cellH;
      return [y, x];
    };
    const fromInput = (event) => {
      const [y, x] = pick(event, big.root, ctx.input.width, ctx.input.height);
      select(windowIndexAt(windows.rows, Math.floor(y)), windowIndexAt(windows.cols, Math.floor(x)));
    };
    const fromOutput = (event) => {
      const [y, x] = pick(event, small.root, ctx.output.width, ctx.output.height);
      select(Math.min(ctx.output.height - 1, Math.floor(y)), Math.min(ctx.output.width - 1, Math.floor(x)));
    };
    big.root.addEventListener("click", fromInput);
    big.root.addEventListener("pointermove", (event) => { if (event.pointerType === "mouse") fromInput(event); });
    small.root.addEventListener("click", fromOutput);
    small.root.addEventListener("pointermove", (event) => { if (event.pointerType === "mouse") fromOutput(event); });
    big.root.addEventListener("keydown", (event) => {
      const move = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key];
      if (!move) return;
      event.preventDefault();
      const row = Math.min(ctx.output.height - 1, Math.max(0, local.sel.row + move[0]));
      const col = Math.min(ctx.output.width - 1, Math.max(0, local.sel.col + move[1]));
      select(row, col);
    });
    showWindow(ctx.step);
  }

  function placeSelection() {
    const { ctx, selected, cellRect } = shown;
    const { rows, cols } = ctx.step.windows;
    selected.replaceChildren(windowRect(rows[local.sel.row], cols[local.sel.col], { class: "pool-window" }));
    cellRect.setAttribute("x", local.sel.col);
    cellRect.setAttribute("y", local.sel.row);
  }

  let selectTimer = 0;
  let linkTimer = 0;
  function select(row, col) {
    if (row === local.sel.row && col === local.sel.col) return;
    local.sel = { row, col };
    placeSelection();
    clearTimeout(selectTimer);
    selectTimer = setTimeout(loadWindow, 60);
    // The link follows once the pointer rests: hovering across a map would otherwise rewrite
    // the URL many times a second, which browsers throttle.
    clearTimeout(linkTimer);
    linkTimer = setTimeout(() => store.set({ window: formatCell(local.sel) }), LINK_DELAY_MS);
  }

  async function loadWindow() {
    const { ctx, detail } = shown;
    const signal = fresh("window");
    try {
      const step = await poolStep(ctx, local.sel, signal);
      if (!signal.aborted) showWindow(step);
    } catch (error) {
      if (isAbort(error)) return;
      detail.replaceChildren(el("p", { class: "error", role: "alert", text: `The window could not be loaded: ${error.message}` }));
    }
  }

  /** The pool-step answer `step`'s numbers in the detail panel. */
  function showWindow(step) {
    const { ctx, detail, scale } = shown;
    const { row, col } = step;
    const mark = step.winner ? [step.winner.window_row, step.winner.window_col] : null;
    const gradScale = scaleFor([-maxAbs(step.routed.flat()), maxAbs(step.routed.flat())], { signed: true });
    const tie = step.winner && step.winner_ties[row][col] > 1;
    detail.dataset.windowRows = step.rows.join(",");
    detail.dataset.windowCols = step.cols.join(",");
    detail.replaceChildren(...[
      el("h3", { text: `Window (${row}, ${col})` }),
      el("p", { class: "muted", text: `rows ${step.rows[0]}–${step.rows.at(-1)}, columns ${step.cols[0]}–${step.cols.at(-1)} of ${ctx.prevName}${step.padding_mask.flat().some(Boolean) ? " (outside the map: padding, 0)" : ""}` }),
      numberGrid(step.window, { scale, mask: step.padding_mask, mark, label: `the window's ${step.window.length * step.window[0].length} values`, hook: "data-pool-window-values", digits: 3, cls: "square" }),
      el("p", { class: "pool-big-number" },
        el("span", { text: step.winner ? "max = " : "output = " }),
        el("strong", { class: "num", "data-pool-output-value": "", text: fixed(step.output, 3) })),
      step.winner
        ? el("p", { class: "muted", text: `The winner sits at row ${step.winner.row}, column ${step.winner.col}.`
          + (tie ? " Several values tie for the maximum: the first one (reading row by row) wins, as in PyTorch." : "")
          + ` The average would be ${fixed(step.average[row][col], 3)}.` })
        : null,
      el("h3", { text: "On the way back" }),
      el("p", {}, "The gradient arriving here is g = ", el("strong", { class: "num", text: fixed(step.upstream, 4) }),
        step.winner ? ". All of it goes to the winner; the other cells get 0:" : ". Each cell gets an equal share:"),
      numberGrid(step.routed, { scale: gradScale, mask: step.padding_mask, mark, label: "the gradient each window cell receives", digits: 4, hook: "data-pool-routed", cls: "square" }),
    ].filter(Boolean));
    announce(`Window ${row}, ${col}: output ${fixed(step.output, 3)}`);
  }

  return { render };
}
