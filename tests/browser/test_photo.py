"""A photo of the user's own in Chromium: on the Draw view, chosen with the file button, pasted
(Ctrl+V) or dropped on the pad, it is read exactly as the API reads the same file (the ten bars
equal the API's probabilities, the link's `input` is the API's code); a file that is not a photo
shows the server's refusal beside the button. In the Convolution view's playground, the photo
through a kernel, grey or in colour, shows the very pixels the API answers for the same file."""

from __future__ import annotations

import base64
import io
import re
import urllib.parse

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter
from tests.browser.conftest import SIZES
from tests.browser.pages import wait_predicted, wait_rendered
from tests.browser.refusals import page_logging_errors
from tests.browser.stepping import STEPPER, STEPPER_SHOWN

DRAW = "section[data-view='draw']"
PANEL = f"{STEPPER} [data-photo-kernels]"


def digit_photo(strokes: list[list[tuple[int, int]]], size=(400, 300), seed=0) -> bytes:
    """A photo-like PNG: dark blue pen strokes on lit, slightly noisy paper."""
    width, height = size
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    light = 0.85 + 0.12 * (1 - (x + y) / (width + height))
    paper = np.stack([light * 250, light * 244, light * 230], -1)
    ink = Image.new("L", size, 0)
    pen = ImageDraw.Draw(ink)
    for points in strokes:
        pen.line(points, fill=255, width=14, joint="curve")
    alpha = np.asarray(ink.filter(ImageFilter.GaussianBlur(1.5)), np.float64)[..., None] / 255
    pixels = paper * (1 - alpha) + np.array([30, 40, 90]) * alpha + rng.normal(0, 3, paper.shape)
    buffer = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


SEVEN = digit_photo([[(140, 70), (260, 70), (180, 240)]], seed=1)
ONE = digit_photo([[(200, 60), (205, 245)]], seed=2)
FOUR = digit_photo([[(230, 60), (160, 170), (260, 165)], [(235, 100), (230, 250)]], seed=3)


def data_url(photo: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(photo).decode("ascii")


def shown_probabilities(page) -> list[float]:
    bars = page.locator(f"{DRAW} [data-prob]")
    values = {}
    for k in range(bars.count()):
        bar = bars.nth(k)
        values[int(bar.get_attribute("data-prob"))] = float(bar.get_attribute("data-value"))
    return [values[k] for k in sorted(values)]


def link_keys(page) -> dict:
    return page.evaluate("() => Object.fromEntries(new URLSearchParams(location.hash.slice(1)))")


def model_of(page) -> str:
    return page.locator("[data-model-picker]").input_value()


def open_draw(page, server) -> None:
    page.goto(f"{server.url}/#tab=draw")
    page.wait_for_selector("html[data-ready='true']", state="attached")
    wait_rendered(page, "draw")


def predictions(page) -> int:
    return int(page.locator(DRAW).get_attribute("data-predictions"))


def open_draw_with_the_seven(page, server) -> None:
    """The Draw view, its file button given the photographed seven, once its answer is shown."""
    open_draw(page, server)
    before = predictions(page)
    page.set_input_files(
        f"{DRAW} [data-photo-file]",
        files=[{"name": "seven.png", "mimeType": "image/png", "buffer": SEVEN}],
    )
    wait_predicted(page, before)


def assert_read_as_the_api_reads(page, server, photo: bytes) -> None:
    """The page shows the API's answer for this photo: bars, link input, the prepared steps."""
    answer = server.api("POST", f"/api/models/{model_of(page)}/predict", {"image": data_url(photo)})
    assert shown_probabilities(page) == answer["probabilities"]
    assert link_keys(page)["input"] == answer["code"]
    assert page.locator(f"{DRAW} [data-photo-error]").is_hidden()
    assert page.locator(f"{DRAW} [data-photo-thumb]").is_visible()
    assert page.locator(f"{DRAW} .draw-note").inner_text().startswith("Your photo, prepared")
    assert page.locator(f"{DRAW} [data-steps] figure").count() == 4  # the four prepared steps


#: A File made in the page from `bytes`, in a DataTransfer: what a paste or a drop brings.
TRANSFER = """([bytes, name]) => {
    const file = new File([new Uint8Array(bytes)], name, { type: "image/png" });
    const transfer = new DataTransfer();
    transfer.items.add(file);
    return transfer;
}"""


def test_photo_by_file_button_paste_and_drop(page, server, screenshot) -> None:
    open_draw_with_the_seven(page, server)
    assert_read_as_the_api_reads(page, server, SEVEN)
    assert page.locator(f"{DRAW} [data-photo-caption]").inner_text() == "seven.png, 400×300 px"
    screenshot("photo-draw-file")

    # Ctrl+V of an image: a paste event whose clipboard holds the file
    before = predictions(page)
    page.evaluate(
        f"""(args) => {{
            const transfer = ({TRANSFER})(args);
            document.body.dispatchEvent(new ClipboardEvent("paste",
                {{ clipboardData: transfer, bubbles: true, cancelable: true }}));
        }}""",
        [list(ONE), "one.png"],
    )
    wait_predicted(page, before)
    assert_read_as_the_api_reads(page, server, ONE)

    # dropped on the pad
    before = predictions(page)
    page.evaluate(
        f"""(args) => {{
            const transfer = ({TRANSFER})(args);
            const pad = document.querySelector("{DRAW} [data-draw-canvas]");
            for (const type of ["dragenter", "dragover", "drop"]) {{
                pad.dispatchEvent(new DragEvent(type,
                    {{ dataTransfer: transfer, bubbles: true, cancelable: true }}));
            }}
        }}""",
        [list(FOUR), "four.png"],
    )
    wait_predicted(page, before)
    assert_read_as_the_api_reads(page, server, FOUR)

    # the link carries the photo's digit: another view computes from it
    code = link_keys(page)["input"]
    page.locator("[data-tab='network']").click()
    page.wait_for_selector("section[data-view='network'][data-rendered]")
    assert link_keys(page)["input"] == code


def test_a_file_that_is_not_a_photo_shows_the_servers_refusal(browser, server) -> None:
    # Chromium logs the refused request (415) as a console error: this page expects exactly that
    with page_logging_errors(browser) as (page, logged):
        open_draw(page, server)
        probabilities = shown_probabilities(page)
        text = b"a shopping list, not a photo"
        page.set_input_files(
            f"{DRAW} [data-photo-file]",
            files=[{"name": "list.txt", "mimeType": "text/plain", "buffer": text}],
        )
        error = page.locator(f"{DRAW} [data-photo-error]")
        error.wait_for(state="visible")
        # the page sends the file as its own bytes, labelled with its type
        status, answer = server.request(
            "POST", f"/api/models/{model_of(page)}/predict", text, content_type="text/plain"
        )
        assert status == 415
        assert error.inner_text() == f"This photo cannot be read: {answer['detail']}"
        assert shown_probabilities(page) == probabilities  # the digit shown is still read
        assert all(re.search(r"status of 415", line) for line in logged), logged


def kernel_on_photo(server, photo: bytes, query: str) -> dict:
    return server.api("POST", f"/api/kernels/photo?{query}", photo, content_type="image/png")


def canvas_pixels(page) -> np.ndarray:
    """The result canvas's RGBA pixels, (H, W, 4)."""
    width, height, flat = page.evaluate(
        f"""() => {{
            const canvas = document.querySelector("{PANEL} [data-photo-result]");
            const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
            return [canvas.width, canvas.height, Array.from(data.data)];
        }}"""
    )
    return np.array(flat, np.uint8).reshape(height, width, 4)


def wait_filtered(page, query: str) -> None:
    page.wait_for_function(
        "([sel, query]) => { const p = document.querySelector(sel);"
        " return p.dataset.query === query && p.dataset.busy === 'false'; }",
        arg=[PANEL, query],
        timeout=20_000,
    )


def open_photo_panel(page, server, photo: bytes) -> None:
    page.goto(f"{server.url}/#tab=stepper")
    page.wait_for_selector("html[data-ready='true']", state="attached")
    page.wait_for_function(STEPPER_SHOWN)
    page.set_input_files(
        f"{PANEL} [data-photo-kernel-file]",
        files=[{"name": "desk.png", "mimeType": "image/png", "buffer": photo}],
    )
    wait_filtered(page, "mode=grey&kernel=edge")


def test_kernels_on_a_photo_show_the_apis_pixels(page, server, screenshot) -> None:
    photo = digit_photo([[(140, 70), (260, 70), (180, 240)]], size=(300, 200), seed=4)
    open_photo_panel(page, server, photo)
    grey = np.asarray(
        Image.open(
            io.BytesIO(
                base64.b64decode(kernel_on_photo(server, photo, "mode=grey&kernel=edge")["png"])
            )
        )
    )
    shown = canvas_pixels(page)
    np.testing.assert_array_equal(shown[..., 0], grey)
    np.testing.assert_array_equal(shown[..., 1], grey)

    page.locator(f"{PANEL} [data-photo-kernel]").select_option("sobel_x")
    page.locator(f"{PANEL} [data-photo-mode]").select_option("rgb")
    query = "mode=rgb&kernel=sobel_x"
    wait_filtered(page, query)
    answer = kernel_on_photo(server, photo, query)
    colour = np.asarray(Image.open(io.BytesIO(base64.b64decode(answer["png"]))))
    np.testing.assert_array_equal(canvas_pixels(page)[..., :3], colour)
    low, high = answer["value_range"]
    words = page.locator(f"{PANEL} [data-photo-range]").inner_text()
    assert f"from {round(low):,} to {round(high):,}" in words
    assert page.locator(f"{PANEL} [data-photo-note]").inner_text() == answer["note"]

    # the playground's own kernel (as typed above) on the photo
    page.locator(f"{PANEL} [data-photo-kernel]").select_option("playground")
    playground = page.evaluate(
        f"""() => Array.from(document.querySelectorAll("{STEPPER} [data-kernel-cell]"),
            (cell) => cell.value)"""
    )
    values = ";".join(",".join(playground[r * 3 : r * 3 + 3]) for r in range(3))
    query = "mode=rgb&" + urllib.parse.urlencode({"values": values})
    wait_filtered(page, query)
    typed = kernel_on_photo(server, photo, query)
    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(typed["png"]))))
    np.testing.assert_array_equal(canvas_pixels(page)[..., :3], pixels)
    page.locator(PANEL).scroll_into_view_if_needed()
    screenshot("photo-kernels")


def axe_blocking(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:5]]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("size", ["laptop", "projector", "phone"])
def test_photo_screens(sized_page, server, screenshot, size: str) -> None:
    """Each screen the page is built for, with a photo in use: nothing scrolls sideways, the
    photo button is a finger's size on the phone, axe-core finds nothing serious."""
    page = sized_page(size)
    open_draw_with_the_seven(page, server)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= SIZES[size]["viewport"]["width"]  # nothing scrolls sideways
    if size == "phone":
        box = page.locator(f"{DRAW} [data-photo-choose]").bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    blocking = axe_blocking(page)
    assert not blocking, blocking
    screenshot(f"photo-draw-{size}", page)

    open_photo_panel(page, server, FOUR)
    page.locator(PANEL).scroll_into_view_if_needed()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= SIZES[size]["viewport"]["width"]
    blocking = axe_blocking(page)
    assert not blocking, blocking
    screenshot(f"photo-kernels-{size}", page)
