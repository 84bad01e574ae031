// The arithmetic table (GET .../arithmetic): per layer its output shape, the formula its
// parameters come from, the parameters, the multiply-adds for one digit and the memory its output
// takes; the totals below. Each number cell keeps its value in `data-value` and its column's name
// in `data-label`, which a phone shows beside the value when the columns are stacked.
import { el } from "../../components/dom.js";
import { byteSize } from "../../lib/curve.js";
import { grouped, shapeText } from "../../lib/format.js";

const COLUMNS = ["Layer", "Output shape", "Where the parameters come from", "Parameters", "Multiply-adds per digit", "Output memory"];

/** A table element for `answer` (the API's arithmetic). */
export function arithmeticTable(answer) {
  const head = el("thead", {}, el("tr", {}, ...COLUMNS.map((text) => el("th", { scope: "col", text }))));
  const body = el("tbody", {}, ...answer.layers.map(layerRow));
  const totals = el("tfoot", {}, el("tr", { "data-total": "" },
    el("th", { scope: "row", "data-label": COLUMNS[0], text: "Total" }),
    cell(COLUMNS[1], `${answer.layers.length} layers`),
    cell(COLUMNS[2], `${grouped(answer.parameters)} × ${answer.bytes_per_value} bytes = ${byteSize(answer.parameter_bytes)} of weights`),
    number(COLUMNS[3], "parameters", answer.parameters, grouped(answer.parameters)),
    number(COLUMNS[4], "multiply_adds", answer.multiply_adds, grouped(answer.multiply_adds)),
    number(COLUMNS[5], "memory_bytes", answer.memory_bytes, byteSize(answer.memory_bytes),
      `${grouped(answer.outputs)} values`),
  ));
  return el("table", { class: "arith-table", "data-arithmetic": answer.source }, head, body, totals);
}

function layerRow(row) {
  return el("tr", { "data-layer": row.name, class: row.parameters ? null : "arith-weightless" },
    el("th", { scope: "row", "data-label": COLUMNS[0] },
      el("span", { class: "arith-name", text: row.name }), " ", el("span", { class: "muted", text: row.type })),
    cell(COLUMNS[1], shapeText(row.output_shape), "mono"),
    cell(COLUMNS[2], row.formula, row.parameters ? "mono" : "arith-why"),
    number(COLUMNS[3], "parameters", row.parameters, grouped(row.parameters)),
    number(COLUMNS[4], "multiply_adds", row.multiply_adds, grouped(row.multiply_adds), row.multiply_adds_formula),
    number(COLUMNS[5], "memory_bytes", row.memory_bytes, byteSize(row.memory_bytes),
      `${grouped(row.outputs)} values`),
  );
}

function cell(label, text, className = null) {
  return el("td", { "data-label": label, class: className, text });
}

/** A number cell: `shown` in large type, its exact `value` in data-value, `how` beneath. */
function number(label, key, value, shown, how = null) {
  return el("td", { class: "num", "data-label": label, "data-col": key, "data-value": value },
    el("span", { class: "arith-value", text: shown }),
    how ? el("span", { class: "arith-how", text: how }) : null);
}
