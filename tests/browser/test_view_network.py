"""The Network view in Chromium: every layer of lenet5-mnist, and receptive fields on hover."""

from tests.browser.pages import wait_rendered

MODEL = "lenet5-mnist"


def test_every_layer_is_drawn_and_hover_shows_the_receptive_field(
    page, open_view, server, screenshot
):
    layers = [layer["name"] for layer in server.api("GET", f"/api/models/{MODEL}")["layers"]]
    view = open_view("network")
    page.wait_for_selector(f"section[data-view='network'][data-rendered='{MODEL}']")

    for name in ["input", *layers, "output"]:
        assert view.locator(f"[data-layer='{name}']").count() >= 1, (
            f"the Network view has no column [data-layer='{name}']"
        )
    assert view.locator("canvas[data-map^='conv1:']").count() == 6
    assert view.locator("canvas[data-map^='conv2:']").count() == 16

    probabilities = [
        float(view.locator(f"[data-output-prob='{k}']").first.get_attribute("data-value"))
        for k in range(10)
    ]
    assert abs(sum(probabilities) - 1) <= 1e-6, probabilities

    target = view.locator("canvas[data-map='conv2:0']").first
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0, f"conv2:0 has no box: {box}"
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5, steps=3)
    for layer in ("input", "pool1"):
        rf = view.locator(f".rf-box[data-rf-layer='{layer}']").first
        rf.wait_for(state="visible")
        rf_box = rf.bounding_box()
        assert rf_box and rf_box["width"] > 0 and rf_box["height"] > 0, (
            f"the receptive field box on {layer} has no area: {rf_box}"
        )
    screenshot("network")


def test_the_backward_class_is_in_the_link_and_shared_with_the_pooling_view(page, open_view):
    view = open_view("network&target=5")
    page.wait_for_selector(f"section[data-view='network'][data-rendered='{MODEL}']")
    picker = view.locator("[data-target-picker]")
    assert picker.input_value() == "5"
    view.get_by_text("gradients from class 5").wait_for()

    picker.select_option("2")
    page.wait_for_function(
        "() => new URLSearchParams(location.hash.slice(1)).get('target') === '2'"
    )
    view.get_by_text("gradients from class 2").wait_for()

    page.locator("[data-tab='pooling']").click()
    pooling = page.locator("section[data-view='pooling']")
    pooling.locator("[data-pool-status]").get_by_text("logit for class 2").wait_for()
    assert pooling.locator("[data-pool-target]").input_value() == "2"
    # The next link differs only in its hash: a change the Pooling view still makes to its own
    # link after a late answer would overwrite it before the page reads it (seen once in CI).
    wait_rendered(page, "pooling")

    # A class the model does not have falls back to the predicted one.
    view = open_view("network&target=12")
    page.wait_for_selector(f"section[data-view='network'][data-rendered='{MODEL}']")
    assert view.locator("[data-target-picker]").input_value() == ""


def test_the_detail_by_keyboard_and_by_touch(page, open_view, sized_page, server):
    view = open_view("network")
    page.wait_for_selector(f"section[data-view='network'][data-rendered='{MODEL}']")
    button = view.locator(".map-btn[data-layer-name='pool1'][data-channel='2']")
    button.focus()
    # a focused map shows what feeds it, as a hovered one does: pool1's map 2 reads relu1's map 2
    assert view.locator("[data-fan-in='pool1:2']").get_attribute("d").count("M") == 1
    page.keyboard.press("Enter")
    big = view.locator("canvas[data-detail-map='pool1:2']")
    big.wait_for()
    assert page.evaluate("() => document.activeElement.dataset.detailMap") == "pool1:2"
    # focus shows the middle cell (7, 7) of the 14×14 map; two steps right and one up
    for key in ("ArrowRight", "ArrowRight", "ArrowUp"):
        page.keyboard.press(key)
    view.locator(".detail-readout").get_by_text("row 6, col 9:").wait_for()
    # pool1 (6, 9) reads conv1 rows 12-13, columns 18-19 (a 2×2 window at stride 2), which read
    # the input from 2 pixels before to 2 after (5×5, padding 2)
    assert view.locator(".rf-box[data-rf-layer='conv1']").get_attribute("data-box") == "12,18,13,19"
    assert view.locator(".rf-box[data-rf-layer='input']").get_attribute("data-box") == "10,16,15,21"
    page.keyboard.press("Escape")
    view.locator("[data-detail]").wait_for(state="hidden")
    assert page.evaluate("() => document.activeElement.dataset.channel") == "2"
    assert button.get_attribute("aria-pressed") is None

    phone = sized_page("phone")
    phone.goto(f"{server.url}/#tab=network")
    phone.wait_for_selector(f"section[data-view='network'][data-rendered='{MODEL}']")
    phone.locator("canvas[data-map='conv1:0']").tap()
    big = phone.locator("canvas[data-detail-map='conv1:0']")
    big.wait_for()
    # measured once the panel has grown out of the map (its animation moves it)
    phone.wait_for_function("() => document.getAnimations().length === 0", timeout=5_000)
    box = big.bounding_box()
    phone.touchscreen.tap(box["x"] + box["width"] * 0.5 / 28, box["y"] + box["height"] * 0.5 / 28)
    phone.locator(".detail-readout").get_by_text("row 0, col 0:").wait_for()
    # conv1 (0, 0) reads input rows and columns −2..2: 0..2 inside the image
    assert phone.locator(".rf-box[data-rf-layer='input']").get_attribute("data-box") == "0,0,2,2"
    phone.locator("[data-detail-close]").tap()
    phone.locator("[data-detail]").wait_for(state="hidden")
