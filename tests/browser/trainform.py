"""Steps the Train view's browser tests share: wait until the form can be used, type into a
field as a user does, record what the page sends, start a run and wait for its end."""

from __future__ import annotations

VIEW = "section[data-view='train']"
#: The layer builder once the server's check of its layers says `fits` or `fault`.
CHECKED = f"{VIEW} [data-layer-builder][data-check='{{}}']"
#: The states a run ends in.
FINISHED = ("done", "failed", "interrupted", "cancelled")


def wait_form_ready(page, field: str = "model", timeout_ms: float = 20_000) -> None:
    """The form's `field` select is enabled: the catalogue and the models have arrived."""
    page.wait_for_function(
        "(css) => !document.querySelector(css).disabled",
        arg=f"{VIEW} select[name='{field}']",
        timeout=timeout_ms,
    )


def wait_checked(page, verdict: str = "fits") -> None:
    """The server's check of the builder's layers has answered `verdict` (fits or fault)."""
    page.wait_for_selector(CHECKED.format(verdict), state="attached", timeout=20_000)


def open_layer_builder(page, open_view) -> tuple[object, object, object]:
    """(view, form, builder): the Train view with "custom" chosen as the network, once the
    server has checked the builder's starting layers and found they fit."""
    view = open_view("train")
    form = view.locator("[data-train-form]")
    wait_form_ready(page)
    form.get_by_label("Network").select_option("custom")
    wait_checked(page)
    return view, form, form.locator("[data-layer-builder]")


def type_in(locator, value: str, event: str = "input") -> None:
    """Fill a field and send the event the form listens to (`input`, or `change` in the layer
    builder), as typing does."""
    locator.fill(value)
    locator.dispatch_event(event)


def record_posts(page, path: str) -> list[dict]:
    """The JSON bodies the page POSTs to `path` from now on, in order (the list fills as the
    page sends them)."""
    bodies: list[dict] = []
    page.on(
        "request",
        lambda r: (
            bodies.append(r.post_data_json) if r.method == "POST" and r.url.endswith(path) else None
        ),
    )
    return bodies


def run_to_the_end(page, view, timeout_ms: float = 180_000) -> str:
    """Click Start and wait until the run is done, failed or interrupted; returns which."""
    view.locator("button[data-train-start]").click()
    page.wait_for_function(
        "(states) => states.includes(document.querySelector("
        f'"{VIEW} [data-job-state]").dataset.state)',
        arg=list(FINISHED),
        timeout=timeout_ms,
    )
    return view.locator("[data-job-state]").get_attribute("data-state")
