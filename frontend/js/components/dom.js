// Building DOM and SVG nodes in one expression, the helpers every view uses.

/**
 * `el("button", {class: "primary", text: "Start", "data-train-start": true}, child, ...)`.
 * Attributes that are null, undefined or false are left out, true becomes an empty attribute;
 * `class` and `text` set className and textContent, `style` the inline style through the CSSOM
 * (the Content-Security-Policy blocks style attributes); null/undefined children are skipped.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "style") node.style.cssText = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** `svg("rect", {x: 1, width: 2})`: an SVG element with those attributes. */
export function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  return node;
}

/** Whether `error` is a request this page aborted (a newer one replaced it): nothing to show. */
export const isAbort = (error) => Boolean(error) && error.name === "AbortError";

/** Show `error`'s message in `node` (hidden when `error` is null); aborted requests say nothing. */
export function showErrorIn(node, error) {
  if (isAbort(error)) return;
  node.hidden = !error;
  node.textContent = error ? error.message : "";
}
