// Building DOM nodes in one expression, the one helper every view uses.

/**
 * `el("button", {class: "primary", text: "Start", "data-train-start": true}, child, ...)`.
 * Attributes that are null, undefined or false are left out, true becomes an empty attribute;
 * `class` and `text` set className and textContent; null/undefined children are skipped.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

/** Show `error`'s message in `node` (hidden when `error` is null); aborted requests say nothing. */
export function showErrorIn(node, error) {
  if (error && error.name === "AbortError") return;
  node.hidden = !error;
  node.textContent = error ? error.message : "";
}
