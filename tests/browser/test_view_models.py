"""The model picker and the Models panel in Chromium: bundled models and yours apart, each named
by what it is; rename, delete and import from the page; the Draw view's warning for a model that
knows only some digits. Models are made through the API (a 2-class spec: cheaper than a run)."""

import http.client

import pytest
from axe_playwright_python.sync_playwright import Axe
from tests.browser.pages import goto_view, wait_predicted
from tests.live_server import LiveServer
from tests.model_specs import TWO_CLASSES

#: The bundled LeNet-5's option, written out from its model card (trained 23 Nov 2026, 98.84%).
LENET_OPTION = "LeNet-5 · digits 0-9 · MNIST · 23 Nov 2026 — 98.84% on 0-9"
WARNING = "This model knows only 0 and 1: any other digit you draw will be read as one of them."


def two_class_model(server: LiveServer, **extra) -> dict:
    return server.api("POST", "/api/models", {"spec": TWO_CLASSES, **extra})


def options(page, group: str) -> list[str]:
    return page.locator(f"[data-model-picker] optgroup[label='{group}'] option").all_inner_texts()


def open_panel(page) -> object:
    page.locator("[data-models-open]").click()
    panel = page.locator("[data-models-panel]")
    panel.wait_for(state="visible")
    return panel


def test_the_picker_keeps_bundled_and_yours_apart_named_by_what_they_are(
    page, server: LiveServer, screenshot
) -> None:
    mine = two_class_model(server, seed=1)
    goto_view(page, server.url, "draw")
    groups = page.locator("[data-model-picker] optgroup").evaluate_all(
        "(gs) => gs.map((g) => g.label)"
    )
    assert groups == ["Bundled", "Yours"]
    bundled = options(page, "Bundled")
    assert LENET_OPTION in bundled and len(bundled) == 2, bundled
    assert any(o.startswith("Simple CNN · digits 0-9 · MNIST · 23 Nov 2026") for o in bundled)
    yours = options(page, "Yours")
    assert f"{mine['label']} — untrained" in yours
    assert mine["label"].startswith("Custom network · digits 0-1 · ")
    assert page.locator("[data-model-picker]").input_value() == "lenet5-mnist"
    screenshot("models-picker")


def test_rename_from_the_panel_updates_the_picker_and_the_server(
    page, server: LiveServer, screenshot
) -> None:
    mine = two_class_model(server, name="before rename")
    goto_view(page, server.url, f"draw&model={mine['id']}")
    panel = open_panel(page)
    row = panel.locator(f"[data-model-row='{mine['id']}']")
    row.locator("[data-model-rename]").click()
    row.locator("[data-model-new-name]").fill("  Zero or one  ")
    screenshot("models-panel-rename")
    row.get_by_role("button", name="Save").click()
    picker = page.locator(f"[data-model-picker] option[value='{mine['id']}']")
    page.wait_for_function(
        "(id) => document.querySelector(`[data-model-picker] option[value='${id}']`)"
        ".textContent.startsWith('Zero or one — ')",
        arg=mine["id"],
    )
    assert picker.inner_text() == "Zero or one — untrained"
    assert row.locator("[data-model-name]").inner_text() == "Zero or one"
    # the label describes the picker, since the name no longer says what the model is
    description = page.locator("[data-model-picker]").evaluate(
        "(s) => document.getElementById(s.getAttribute('aria-describedby')).textContent"
    )
    assert description == mine["label"]
    assert server.api("GET", f"/api/models/{mine['id']}")["name"] == "Zero or one"
    # focus is back on the row's Rename button
    assert page.evaluate("document.activeElement.dataset.modelRename") == ""


def test_bundled_models_offer_export_only(page, server: LiveServer) -> None:
    goto_view(page, server.url, "draw")
    row = open_panel(page).locator("[data-model-row='lenet5-mnist']")
    assert row.locator("[data-model-rename], [data-model-delete]").count() == 0
    link = row.locator("[data-model-export]")
    assert link.get_attribute("href") == "/api/models/lenet5-mnist/export"
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "lenet5-mnist.npz"


def test_delete_asks_first_then_removes_the_model(page, server: LiveServer, screenshot) -> None:
    mine = two_class_model(server, name="to delete")
    goto_view(page, server.url, f"draw&model={mine['id']}")
    row = open_panel(page).locator(f"[data-model-row='{mine['id']}']")
    row.locator("[data-model-delete]").click()
    assert "Delete “to delete”? This cannot be undone." in row.inner_text()
    screenshot("models-panel-delete")
    row.get_by_role("button", name="Keep it").click()  # the confirm step can be left
    assert server.request("GET", f"/api/models/{mine['id']}")[0] == 200
    row.locator("[data-model-delete]").click()
    row.locator("[data-model-confirm]").click()
    row.wait_for(state="detached")
    assert page.locator(f"[data-model-picker] option[value='{mine['id']}']").count() == 0
    assert server.request("GET", f"/api/models/{mine['id']}")[0] == 404
    # the deleted model was the current one: the picker is back on the default
    assert page.locator("[data-model-picker]").input_value() == "lenet5-mnist"


def test_import_adds_the_model_to_the_picker(page, server: LiveServer, tmp_path) -> None:
    source = two_class_model(server, name="travelling")
    exported = tmp_path / "travelling.npz"
    exported.write_bytes(export(server, source["id"]))
    goto_view(page, server.url, "draw")
    before = set(
        page.locator("[data-model-picker] option").evaluate_all("(os) => os.map((o) => o.value)")
    )
    panel = open_panel(page)
    panel.locator("[data-models-import]").set_input_files(str(exported))
    status = panel.locator("[data-models-import-status]")
    page.wait_for_function(
        "(s) => document.querySelector(s).textContent.startsWith('Imported')",
        arg="[data-models-import-status]",
    )
    assert status.inner_text() == "Imported travelling.npz as “travelling”."
    added = option_values(page, "[data-model-picker] optgroup[label='Yours'] option") - before
    assert len(added) == 1, added
    (new_id,) = added
    assert new_id != source["id"]
    assert server.api("GET", f"/api/models/{new_id}")["name"] == "travelling"
    assert panel.locator(f"[data-model-row='{new_id}']").count() == 1


@pytest.mark.parametrize("size", ["laptop", "projector", "phone"])
def test_the_draw_view_warns_for_a_two_class_model(
    sized_page, server: LiveServer, screenshot, size: str
) -> None:
    mine = two_class_model(server)
    page = sized_page(size)
    view = goto_view(page, server.url, f"draw&model={mine['id']}")
    wait_predicted(page, 0)
    warning = view.locator("[data-classes-warning]")
    assert warning.is_visible()
    assert warning.inner_text() == WARNING
    assert view.locator("[data-prob]").count() == 2  # the bars show only its classes
    assert (
        warning.bounding_box()["y"] + warning.bounding_box()["height"]
        <= page.viewport_size["height"]
    )
    screenshot(f"draw-two-classes-{size}", page)
    open_panel(page)
    screenshot(f"models-panel-{size}", page)
    assert serious_violations(page) == []
    page.keyboard.press("Escape")
    # the bundled ten-digit model: no warning
    before = int(view.get_attribute("data-predictions"))
    page.locator("[data-model-picker]").select_option("lenet5-mnist")
    wait_predicted(page, before)
    assert not warning.is_visible()
    assert view.locator("[data-prob]").count() == 10


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now, one line each."""
    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def option_values(page, selector: str) -> set[str]:
    return set(page.locator(selector).evaluate_all("(os) => os.map((o) => o.value)"))


def export(server: LiveServer, model_id: str) -> bytes:
    """The model's .npz as GET /api/models/{id}/export serves it."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", f"/api/models/{model_id}/export")
        response = connection.getresponse()
        assert response.status == 200, response.status
        return response.read()
    finally:
        connection.close()
