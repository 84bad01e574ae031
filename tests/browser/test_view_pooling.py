"""The pooling view in Chromium: one winner per output cell, a similarity in [-1, 1]; it opens
on the most active window with one request."""

from tests.browser.stepping import POOLING_SHOWN, count_requests, most_active, page_digit, traced

MODEL = "lenet5-mnist"
VIEW = "section[data-view='pooling']"


def test_pool_winners_and_similarity(page, open_view, server, screenshot):
    shapes = {
        layer["name"]: layer["output_shape"]
        for layer in server.api("GET", f"/api/models/{MODEL}")["layers"]
        if layer["type"] == "MaxPool2D"
    }
    view = open_view("pooling")
    select = view.locator("select[data-pool-layer]").first
    page.wait_for_function(
        "() => document.querySelector(\"section[data-view='pooling'] select[data-pool-layer]\")"
        "?.options.length > 0"
    )
    options = select.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
    assert set(shapes) <= set(options), f"pool layers {sorted(shapes)}, select offers {options}"

    for name in sorted(shapes, reverse=True):
        select.select_option(name)
        _, out_h, out_w = shapes[name]
        page.wait_for_function(
            "(n) => document.querySelectorAll(\"section[data-view='pooling'] [data-winner]\")"
            ".length === n",
            arg=out_h * out_w,
        )
        similarity = view.locator("[data-similarity]").first
        similarity.wait_for(state="attached")
        page.wait_for_function(
            "() => document.querySelector(\"section[data-view='pooling'] [data-similarity]\")"
            "?.dataset.value !== undefined"
        )
        value = float(similarity.get_attribute("data-value"))
        assert -1 <= value <= 1, f"similarity {value} on {name}"
    screenshot("pooling")


def test_the_chosen_window_is_in_the_link(page, open_view):
    view = open_view("pooling&pool=pool1&channel=2&window=3,5")
    detail = view.locator("[data-pool-detail]")
    detail.get_by_role("heading", name="Window (3, 5)").wait_for()
    assert view.locator("select[data-pool-channel]").input_value() == "2"

    view.locator("[data-pool-input]").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    detail.get_by_role("heading", name="Window (4, 6)").wait_for()
    page.wait_for_function(
        "() => new URLSearchParams(location.hash.slice(1)).get('window') === '4,6'"
    )

    # The link opens on that window; one outside the map is clamped to its last cell.
    view = open_view("pooling&pool=pool1&window=4,6")
    view.locator("[data-pool-detail]").get_by_role("heading", name="Window (4, 6)").wait_for()
    view = open_view("pooling&pool=pool2&window=40,40")
    view.locator("[data-pool-detail]").get_by_role("heading", name="Window (4, 4)").wait_for()


def test_opens_on_the_most_active_window_with_one_request(page, open_view, server):
    """Window (0, 0) of the example digit is a tie of background zeros; the view opens on the
    window numpy finds largest in the trace, with one pool-step request."""
    windows = count_requests(page, "/pool-step")
    view = open_view("pooling")
    page.wait_for_function(POOLING_SHOWN)
    page.wait_for_load_state("networkidle")
    maps = traced(server, MODEL, page_digit(page))
    row, col = most_active(maps["pool1"][0])
    assert (row, col) != (0, 0)
    detail = view.locator("[data-pool-detail]")
    assert detail.locator("h3").first.inner_text() == f"Window ({row}, {col})"
    value = float(detail.locator("[data-pool-output-value]").inner_text())
    assert abs(value - float(maps["pool1"][0, row, col])) <= 0.5e-3
    assert len(windows) == 1, f"pool-step asked {len(windows)} times on open: {windows}"

    # Another channel opens on its own most active window.
    view.locator("select[data-pool-channel]").select_option("3")
    row, col = most_active(maps["pool1"][3])
    detail.get_by_role("heading", name=f"Window ({row}, {col})").wait_for()
