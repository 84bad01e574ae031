"""The Model view in Chromium: the arithmetic table's numbers, read from the page, equal torch's
parameter counts and a hand count of multiply-adds; the activation plot's readout equals the
activation computed here in plain Python; the view fits a laptop, a projector and a phone."""

import math

import pytest
from tests.browser.pages import goto_view, wait_rendered

VIEW = "section[data-view='model']"
#: Per weighted layer of LeNet-5: parameters (torch.nn.Conv2d/Linear's numel, as
#: tests/api/test_arithmetic.py checks) and multiply-adds by hand (filters × kernel × input
#: channels × output positions; inputs × outputs).
LENET5 = {
    "conv1": (156, 6 * 25 * 1 * 28 * 28),
    "conv2": (2_416, 16 * 25 * 6 * 10 * 10),
    "fc1": (48_120, 400 * 120),
    "fc2": (10_164, 120 * 84),
    "fc3": (850, 84 * 10),
}

#: {layer name: {column: data-value}} and the totals row, as the page shows them.
READ_TABLE = """() => {
    const table = document.querySelector("section[data-view='model'] table[data-arithmetic]");
    const values = (row) => Object.fromEntries([...row.querySelectorAll("[data-col]")]
        .map((cell) => [cell.dataset.col, Number(cell.dataset.value)]));
    const rows = Object.fromEntries([...table.querySelectorAll("tbody tr[data-layer]")]
        .map((row) => [row.dataset.layer, {...values(row), text: row.textContent}]));
    return {source: table.dataset.arithmetic, rows,
            total: values(table.querySelector("tfoot tr[data-total]"))};
}"""


def read_table(page, source: str) -> dict:
    page.wait_for_function(
        "(s) => document.querySelector(`section[data-view='model'] [data-arithmetic='${s}']`)",
        arg=source,
    )
    return page.evaluate(READ_TABLE)


def readout(page) -> dict:
    return page.locator(f"{VIEW} [data-act-readout]").evaluate(
        "(p) => ({x: Number(p.dataset.x), y: Number(p.dataset.y), dy: Number(p.dataset.dy)})"
    )


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def test_the_current_models_table(page, server, screenshot):
    goto_view(page, server.url, "model")
    wait_rendered(page, "model")
    table = read_table(page, "lenet5-mnist")
    for name, (parameters, multiply_adds) in LENET5.items():
        row = table["rows"][name]
        assert (row["parameters"], row["multiply_adds"]) == (parameters, multiply_adds), name
    assert "(5·5·1 + 1)·6 = 156" in table["rows"]["conv1"]["text"]
    assert "(400 + 1)·120 = 48,120" in table["rows"]["fc1"]["text"]
    # Output memory: torch's output numbers for one digit (6·28·28 after conv1) × 4 bytes.
    assert table["rows"]["conv1"]["memory_bytes"] == 6 * 28 * 28 * 4
    assert table["rows"]["pool2"]["parameters"] == 0
    assert table["total"] == {
        "parameters": 61_706,
        "multiply_adds": sum(macs for _, macs in LENET5.values()),
        "memory_bytes": 15_002 * 4,
    }
    screenshot("model")


def test_an_architecture_from_the_select_and_the_link(page, server):
    view = goto_view(page, server.url, "model&arch=simple")
    table = read_table(page, "simple")
    assert table["total"]["parameters"] == 13_610
    assert table["rows"]["fc1"]["parameters"] == 1352 * 10 + 10
    view.locator("select[data-model-arch]").select_option("lenet5")
    assert read_table(page, "lenet5")["total"]["parameters"] == 61_706
    page.wait_for_function("() => new URLSearchParams(location.hash.slice(1)).get('arch')")
    assert "arch=lenet5" in page.evaluate("() => location.hash")
    view.locator("select[data-model-arch]").select_option("")
    read_table(page, "lenet5-mnist")
    assert "arch=" not in page.evaluate("() => location.hash")


def test_the_32_64_64_table(page, server):
    goto_view(page, server.url, "model&arch=cnn32-64-64")
    rows = read_table(page, "cnn32-64-64")
    counts = [row["parameters"] for row in rows["rows"].values() if row["parameters"]]
    assert counts == [320, 18_496, 36_928, 36_928, 650]
    assert rows["total"]["parameters"] == 93_322


def test_the_sigmoid_and_its_derivative(page, server):
    view = goto_view(page, server.url, "model&act=sigmoid")
    wait_rendered(page, "model")
    plot = view.locator("[data-act-plot]")
    # Two curves of 241 samples each, from -6 to 6.
    counts = plot.locator("polyline").evaluate_all(
        "(lines) => lines.map((l) => l.getAttribute('points').trim().split(' ').length)"
    )
    assert counts == [241, 241]
    plot.focus()  # the keyboard starts at x = 0
    at = readout(page)
    assert (at["x"], at["y"], at["dy"]) == (0, 0.5, 0.25)
    page.keyboard.press("ArrowRight")
    at = readout(page)
    assert at["x"] == pytest.approx(0.05)
    assert at["dy"] == pytest.approx(sigmoid(0.05) * (1 - sigmoid(0.05)), rel=1e-12)
    # The pointer over x = 3 (the plot's margins: 52 px left, 16 px right, in its own px).
    box = plot.bounding_box()
    left, right = 52, box["width"] - 16
    page.mouse.move(box["x"] + left + (3 + 6) / 12 * (right - left), box["y"] + box["height"] / 2)
    at = readout(page)
    assert at["x"] == pytest.approx(3, abs=0.025)
    assert at["y"] == pytest.approx(sigmoid(at["x"]), rel=1e-12)
    notes = view.locator("[data-act-notes]").inner_text()
    assert "f' is largest at x = 0: 0.25" in notes and "4.6" in notes


def test_leakyrelu_with_a_chosen_slope(page, server):
    view = goto_view(page, server.url, "model&act=relu")
    wait_rendered(page, "model")
    view.locator("select[data-act-name]").select_option("leakyrelu")
    page.wait_for_function("() => new URLSearchParams(location.hash.slice(1)).get('act')")
    slope = view.locator("[data-act-slope]")
    slope.fill("0.2")
    page.wait_for_function(
        "() => document.querySelector(\"section[data-view='model'] [data-act-formula]\")"
        " && document.querySelector(\"section[data-view='model'] [data-act-notes]\")"
        ".textContent.includes('0.2')"
    )
    view.locator("[data-act-plot]").focus()
    page.keyboard.press("Home")
    at = readout(page)
    assert (at["x"], at["y"], at["dy"]) == (-6, pytest.approx(-1.2), pytest.approx(0.2))
    slope.fill("7")
    error = view.locator("[data-act-error]")
    error.wait_for(state="visible")
    assert error.inner_text() == "Slope: Value must be less than or equal to 1."


@pytest.mark.parametrize("size", ["laptop", "projector", "phone"])
def test_the_view_at_each_size(sized_page, server, screenshot, size):
    page = sized_page(size)
    goto_view(page, server.url, "model&act=sigmoid")
    wait_rendered(page, "model")
    scroll, width = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert scroll <= width, f"the page scrolls sideways at {size}: {scroll} > {width}"
    table = page.locator(f"{VIEW} table[data-arithmetic]")
    assert table.bounding_box()["width"] <= width
    screenshot(f"model-{size}", page)


def test_a_link_to_an_unknown_architecture_says_so(page, server):
    view = goto_view(page, server.url, "model&arch=resnet50")
    error = view.locator("[data-arith-error]")
    error.wait_for(state="visible")
    assert error.inner_text().startswith('No architecture is called "resnet50": choose one of ')
    assert "lenet5" in error.inner_text()
    assert view.locator("table[data-arithmetic]").count() == 0
