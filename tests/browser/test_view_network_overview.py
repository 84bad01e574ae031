"""The Network view's overview at the sizes the page is built for (laptop, projector, phone with
touch): the whole network inside the viewport, from the input to the probabilities, with no
scrolling, no sideways page scroll, maps drawn to scale, connections, the detail opening in view
beside the clicked map (on the phone, a layer's row opens its maps large enough to tap one), the
scores labelled with the classes, every control of the phone at least 44×44 px; and a user model
with unusual windows, whose receptive fields on hover equal the input pixels each cell depends
on in torch.
"""

import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)
from tests.browser.pages import goto_view, wait_rendered

MODEL = "lenet5-mnist"

#: Each map's width over its cells must be the same scale within this many CSS px (whole-pixel
#: rounding of each map).
SCALE_SLACK = 1.5
#: The least scale, CSS px per cell: a 5×5 map 10 px wide; on a phone, where every layer shares
#: 844 px of height, 1.5 px (the smallest maps then show as thin rows of cells).
MIN_SCALE = {"laptop": 2, "projector": 2, "phone": 1.5}
#: A finger's least target on the phone, CSS px.
TARGET = 44

GEOMETRY = """() => {
    const box = (node) => { const r = node.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width}; };
    const q = (selector) => document.querySelector(selector);
    return {
        innerWidth, innerHeight,
        scrollWidth: document.scrollingElement.scrollWidth,
        scrollY: window.scrollY,
        header: q("header").getBoundingClientRect().bottom,
        input: box(q("canvas[data-map='input:0']")),
        output: box(q("section[data-view='network'] [data-layer='output']")),
        maps: Object.fromEntries([...document.querySelectorAll("canvas[data-map$=':0']")]
            .map((c) => [c.dataset.map.split(':')[0],
                         {width: c.getBoundingClientRect().width, cells: c.width}])),
        controls: [...document.querySelectorAll(
                "section[data-view='network'] :is(button, select):not([hidden])")]
            .filter((n) => n.offsetParent !== null)
            .map((n) => { const r = n.getBoundingClientRect();
                return {name: n.getAttribute("aria-label") || n.textContent.trim(),
                        width: r.width, height: r.height}; }),
    };
}"""

DETAIL_BOX = "() => document.querySelector('[data-detail]').getBoundingClientRect().toJSON()"


def inside(box: dict, width: float, height: float | None = None) -> bool:
    horizontal = box["left"] >= 0 and box["right"] <= width
    return horizontal and (height is None or (box["top"] >= 0 and box["bottom"] <= height))


@pytest.mark.parametrize("size", ["laptop", "projector", "phone"])
def test_the_overview_fits_the_viewport_and_opens_details_in_view(
    size, sized_page, server, screenshot
):
    model = server.api("GET", f"/api/models/{MODEL}")
    page = sized_page(size)
    view = goto_view(page, server.url, "network")
    wait_rendered(page, "network")
    geometry = page.evaluate(GEOMETRY)

    width, height = geometry["innerWidth"], geometry["innerHeight"]
    assert geometry["scrollWidth"] <= width, f"the page scrolls sideways: {geometry}"
    # input through probabilities inside the viewport, the page not scrolled
    assert geometry["scrollY"] == 0, geometry["scrollY"]
    assert inside(geometry["input"], width, height), geometry["input"]
    assert inside(geometry["output"], width, height), geometry["output"]

    # maps to scale: every map's CSS width is its cells times one scale (the input's)
    scale = geometry["maps"]["input"]["width"] / 28
    assert scale >= MIN_SCALE[size], f"{scale:.2f} px per cell"
    sizes = {
        row["name"]: row["output_shape"][-1]
        for row in model["layers"]
        if len(row["output_shape"]) == 3
    }
    for name, cells in sizes.items():
        drawn = geometry["maps"][name]
        assert drawn["cells"] == cells, (name, drawn)
        assert abs(drawn["width"] - cells * scale) <= SCALE_SLACK, (name, drawn, scale)

    # the last layer's bars and the probabilities are labelled with the model's classes
    classes = model["classes"]
    assert view.locator(".logit-label").all_inner_texts() == classes
    assert view.locator(".prob-label").all_inner_texts() == classes

    if size == "phone":
        small = [c for c in geometry["controls"] if min(c["width"], c["height"]) < TARGET - 0.5]
        assert not small, f"controls under {TARGET}×{TARGET} px: {small}"
        # conv2's 10×10 maps are drawn under 44 px: its row is one target, whose tap opens its
        # 16 maps, each large enough to tap, in view
        assert view.locator(".map-btn[data-layer-name='conv2']").count() == 0
        view.locator("[data-layer-button='conv2']").tap()
        picks = view.locator("[data-layer-maps='conv2'] .pick-btn")
        picks.first.wait_for()
        # measured once the panel has grown out of the row (its animation scales it)
        page.wait_for_function("() => document.getAnimations().length === 0", timeout=5_000)
        assert picks.count() == 16
        for pick in picks.all():
            box = pick.bounding_box()
            assert min(box["width"], box["height"]) >= TARGET, box
        assert inside(page.evaluate(DETAIL_BOX), width, height)
        picks.nth(5).tap()
        view.locator("canvas[data-detail-map='conv2:5']").wait_for()
        # and by keyboard: Enter on pool2's row moves into its maps, Escape gives the row back
        view.locator("[data-layer-button='pool2']").focus()
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => document.activeElement.closest('[data-layer-maps]')?.dataset.layerMaps"
            " === 'pool2'"
        )
        page.keyboard.press("Escape")
        view.locator("[data-detail]").wait_for(state="hidden")
        assert page.evaluate("() => document.activeElement.dataset.layerButton") == "pool2"
        view.locator("[data-layer-button='conv2']").tap()
        picks.nth(5).tap()
    else:
        view.locator("canvas[data-map='conv2:5']").click()

    # a conv's map is fed by every map before it: pool1's 6 lines into conv2's map 5
    fan_in = view.locator("[data-fan-in='conv2:5']")
    assert fan_in.get_attribute("d").count("M") == model["layers"][2]["output_shape"][0] == 6

    detail = view.locator("[data-detail]")
    detail.locator("canvas[data-detail-map='conv2:5']").wait_for()
    page.wait_for_timeout(300)  # the panel grows out of the map in 220 ms
    box = page.evaluate(DETAIL_BOX)
    assert inside(box, width, height), f"the detail is out of the {width}×{height} view: {box}"
    # where the header is now: sticky on a laptop, scrolled away with the page on a phone
    header = page.evaluate("() => document.querySelector('header').getBoundingClientRect().bottom")
    assert box["top"] >= header - 1, f"the detail is under the header: {box}, header {header}"
    screenshot(f"network-{size}", page)

    page.keyboard.press("Escape")
    detail.wait_for(state="hidden")
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= width


SPEC = {
    "input_shape": [1, 28, 28],
    "layers": [
        {
            "type": "Conv2D",
            "in_channels": 1,
            "out_channels": 3,
            "kernel_size": 3,
            "padding": "same",
        },
        {"type": "ReLU"},
        {"type": "Conv2D", "in_channels": 3, "out_channels": 3, "kernel_size": [3, 5], "stride": 2},
        {"type": "Conv2D", "in_channels": 3, "out_channels": 4, "kernel_size": 3, "dilation": 2},
        {"type": "AvgPool2D", "kernel_size": 2},
        {"type": "Flatten"},
        {"type": "Dense", "in_features": 64, "out_features": 10},
    ],
}


def torch_box(spec: dict, index: int, row: int, col: int) -> str:
    """The box (top,left,bottom,right) around the input pixels output cell (row, col) of channel
    0 of layer `index` depends on, from torch alone: every weight 1, no bias, one one-hot image
    per pixel (non-negative sums are zero only when nothing reaches them)."""
    x = torch.eye(28 * 28, dtype=torch.float64).reshape(-1, 1, 28, 28)
    for entry in spec["layers"][: index + 1]:
        if entry["type"] == "Conv2D":
            kernel = entry["kernel_size"]
            kernel = (kernel, kernel) if isinstance(kernel, int) else tuple(kernel)
            shape = (entry["out_channels"], entry["in_channels"], *kernel)
            x = F.conv2d(
                x,
                torch.ones(shape, dtype=x.dtype),
                stride=entry.get("stride", 1),
                padding=entry.get("padding", 0),
                dilation=entry.get("dilation", 1),
            )
        elif entry["type"] == "AvgPool2D":
            x = F.avg_pool2d(x, entry["kernel_size"])
        else:
            x = F.relu(x)
    reached = (x[:, 0, row, col] > 0).reshape(28, 28).nonzero()
    (top, left), (bottom, right) = reached.min(dim=0).values, reached.max(dim=0).values
    return f"{top},{left},{bottom},{right}"


@pytest.mark.parametrize(("layer", "row", "col"), [(3, 4, 3), (4, 1, 2), (0, 0, 27)])
def test_a_user_model_with_unusual_windows_shows_torchs_receptive_fields(
    layer, row, col, sized_page, server
):
    created = server.api("POST", "/api/models", {"spec": SPEC, "name": "odd windows"})
    rows = server.api("GET", f"/api/models/{created['id']}")["layers"]
    name = rows[layer]["name"]
    page = sized_page("laptop")
    view = goto_view(page, server.url, f"network&model={created['id']}")
    wait_rendered(page, "network")

    canvas = view.locator(f"canvas[data-map='{name}:0']")
    cells = canvas.evaluate("(c) => [c.height, c.width]")
    assert cells == rows[layer]["output_shape"][1:]
    box = canvas.bounding_box()
    x = box["x"] + (col + 0.5) * box["width"] / cells[1]
    y = box["y"] + (row + 0.5) * box["height"] / cells[0]
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y, steps=2)
    field = view.locator(".rf-box[data-rf-layer='input']")
    field.wait_for()
    assert field.get_attribute("data-box") == torch_box(SPEC, layer, row, col)

    # and it is drawn where it says: over those pixels of the input map
    top, left, bottom, right = map(int, field.get_attribute("data-box").split(","))
    image = view.locator("canvas[data-map='input:0']").bounding_box()
    drawn = field.bounding_box()
    pixel = image["width"] / 28
    assert abs(drawn["x"] - (image["x"] + left * pixel)) <= 1.5
    assert abs(drawn["width"] - (right - left + 1) * pixel) <= 1.5
    assert abs(drawn["y"] - (image["y"] + top * pixel)) <= 1.5
    assert abs(drawn["height"] - (bottom - top + 1) * pixel) <= 1.5
