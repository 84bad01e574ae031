// Presentation mode, for a projector: the page drops its content cap and is zoomed so that its
// smallest text (12 px anywhere, by the layout tests) reads at least 20 px on a 1920-wide screen
// (css/app.css does both, keyed on <html data-present>). Zooming the whole page rather than its
// text keeps every view in proportion: the maps, charts and their legends grow with the words.
// The header's toggle switches it and the URL keeps it (`present=1`), so a teacher's link opens
// the way the projector shows it.

/** Wire the header's toggle to `store`'s `present` key (1 or absent), and show that key on
 * <html data-present> and on the toggle's aria-pressed. */
export function wirePresentMode(store, button = document.querySelector("[data-present-toggle]")) {
  const show = (state) => {
    const on = state.present === 1;
    document.documentElement.toggleAttribute("data-present", on);
    button.setAttribute("aria-pressed", String(on));
  };
  button.addEventListener("click", () => {
    store.set({ present: store.state.present === 1 ? null : 1 });
  });
  store.watch(["present"], (state) => {
    show(state);
    // The zoom changed how many CSS pixels the window holds, as a resize would: views that lay
    // themselves out from the window's size (the Network overview) do it again.
    requestAnimationFrame(() => window.dispatchEvent(new Event("resize")));
  });
  show(store.state);
}
