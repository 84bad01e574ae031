// Where things are inside the Network view's stage, in the stage's own CSS pixels: what the
// connections and the detail panel are placed with. The page may be zoomed (presentation mode
// zooms the body), in which case the browser measures in screen pixels, `zoom` times larger.

/** How many screen pixels one CSS pixel of `node` takes (1 unless the page is zoomed). */
export function zoomOf(node) {
  const width = node.getBoundingClientRect().width;
  return node.offsetWidth > 0 && width > 0 ? width / node.offsetWidth : 1;
}

/** `node`'s box {left, top, right, bottom} relative to `stage`, in the stage's CSS pixels. */
export function boxIn(node, stage, zoom = zoomOf(stage)) {
  const origin = stage.getBoundingClientRect();
  const r = node.getBoundingClientRect();
  return {
    left: (r.left - origin.left) / zoom, top: (r.top - origin.top) / zoom,
    right: (r.right - origin.left) / zoom, bottom: (r.bottom - origin.top) / zoom,
  };
}
