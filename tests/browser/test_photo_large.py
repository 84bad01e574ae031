"""A phone-sized photo in the Draw view: the page sends the file as its own bytes, so a 6 MB JPEG
(over the 5 MiB every JSON body is held to) is read, with the answer the API gives for the same
bytes sent the same way, and no console error."""

from tests.browser.pages import wait_predicted, wait_rendered
from tests.strokes import drawing

DRAW = "section[data-view='draw']"
#: JPEG readers stop at the end-of-image marker: the padding makes the file a phone photo's size.
PADDING = 6 * 1024 * 1024


def test_a_six_megabyte_photo_is_read(page, server, screenshot) -> None:
    photo = drawing("7", style="RGB", fmt="JPEG", size=(900, 900), height=600, brush=60)
    photo += b"\0" * PADDING
    page.goto(f"{server.url}/#tab=draw")
    page.wait_for_selector("html[data-ready='true']", state="attached")
    wait_rendered(page, "draw")
    before = int(page.locator(DRAW).get_attribute("data-predictions"))
    page.set_input_files(
        f"{DRAW} [data-photo-file]",
        files=[{"name": "phone.jpg", "mimeType": "image/jpeg", "buffer": photo}],
    )
    wait_predicted(page, before)
    assert page.locator(f"{DRAW} [data-photo-error]").is_hidden()
    model = page.locator("[data-model-picker]").input_value()
    answer = server.api("POST", f"/api/models/{model}/predict", photo, content_type="image/jpeg")
    bars = page.locator(f"{DRAW} [data-prob]")
    shown = {
        int(bars.nth(k).get_attribute("data-prob")): float(bars.nth(k).get_attribute("data-value"))
        for k in range(bars.count())
    }
    assert [shown[k] for k in sorted(shown)] == answer["probabilities"]
    assert answer["label"] == "7"
    screenshot("photo-draw-six-megabytes", page)
