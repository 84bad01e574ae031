"""The Network view with the layers issue 12 added: the cnn32-64-64 preset (two narrow dense
columns side by side, one of them a Dropout) and the sigmoid01 preset (a Rescale first, one
sigmoid output read as two classes). At the laptop, the projector and the phone, no two column
titles overlap, and a Dropout or Rescale column says what it does.
"""

import pytest
from tests.browser.pages import goto_view, wait_rendered

#: The column titles, as page boxes.
TITLES = """() => [...document.querySelectorAll("section[data-view='network'] .net-col .col-head")]
    .filter((n) => n.offsetParent !== null)
    .map((n) => { const r = n.getBoundingClientRect();
        return {name: n.closest('.net-col').dataset.layer, text: n.textContent,
                left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })"""


def overlap(a: dict, b: dict) -> bool:
    """True when the two boxes share more than a hair of area (0.5 px of rounding)."""
    width = min(a["right"], b["right"]) - max(a["left"], b["left"])
    height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return width > 0.5 and height > 0.5


@pytest.fixture(scope="module")
def preset_models(server) -> dict[str, str]:
    """A model of each new preset, created through the API: {preset: model id}."""
    return {
        preset: server.api("POST", "/api/models", {"preset": preset, "seed": 0})["id"]
        for preset in ("cnn32-64-64", "sigmoid01")
    }


@pytest.mark.parametrize("size", ["laptop", "projector", "phone"])
@pytest.mark.parametrize("preset", ["cnn32-64-64", "sigmoid01"])
def test_titles_never_overlap(sized_page, server, preset_models, screenshot, preset, size):
    page = sized_page(size)
    goto_view(page, server.url, f"network&model={preset_models[preset]}")
    wait_rendered(page, "network")
    screenshot(f"network-{preset}-{size}", page)
    orientation = page.get_attribute(".net-stage", "data-orientation")
    # laptops and projectors see the layers left to right; a phone top to bottom
    assert orientation == ("vertical" if size == "phone" else "horizontal")
    titles = page.evaluate(TITLES)
    names = [title["name"] for title in titles]
    # top to bottom, the output's row shows the prediction in place of its title
    last = {"phone": "fc2" if preset == "cnn32-64-64" else "fc1"}.get(size, "output")
    assert names[-1] == last, names
    clashes = [
        (a["name"], b["name"])
        for i, a in enumerate(titles)
        for b in titles[i + 1 :]
        if overlap(a, b)
    ]
    assert not clashes, clashes


@pytest.mark.parametrize("preset", ["cnn32-64-64", "sigmoid01"])
def test_dropout_and_rescale_say_what_they_do(sized_page, server, preset_models, preset):
    page = sized_page("laptop")
    goto_view(page, server.url, f"network&model={preset_models[preset]}")
    wait_rendered(page, "network")
    texts = {title["name"]: title["text"] for title in page.evaluate(TITLES)}
    if preset == "cnn32-64-64":
        assert "p 0.5" in texts["dropout1"] and "off when reading" in texts["dropout1"], texts
    else:
        assert "x·1 − 0.5" in texts["rescale1"], texts
