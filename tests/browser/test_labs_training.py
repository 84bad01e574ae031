"""Labs 4-7 in Chromium, walked step by step with the lab bar's Next: the Model view's parameter
tables equal hand counts of each layer ((kh·kw·in + 1)·out for a conv, (in + 1)·out for a dense
layer); each recipe, started from the form the lab filled, trains on real MNIST to an accuracy
inside a band around what it was measured to reach here; a model trained in a lab reads the
drawing with the probabilities the API gives.

The labs run on a server of their own that reads the real MNIST files (the 10,000 shared
training digits and the official 10,000 test digits, where `mnist_dir` finds them), as a class's
server would. Runs are seeded, so a recipe reaches the same accuracy every time on one machine
(two runs here gave the same numbers to the digit); the bands leave room for another BLAS
summing in another order, and are narrow enough that a recipe that learns much worse fails. A
recipe takes 2.5 to 18 s on an idle core; training workers run at the lowest priority, so on a
busy machine a run takes several times longer (each test's duration is in the report)."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.browser.labwalk import (
    link_state,
    model_parameters,
    next_step,
    photo_of_a_one,
    start_lab,
    train_to_the_end,
)
from tests.browser.pages import REPORTS, draw_and_wait, one_points, wait_predicted
from tests.live_server import LiveServer, live_server

#: Measured on this 2-core machine shared with other test runs: the curves lab (two runs) took
#: 185 and 212 s, LeNet's run alone up to 185 s, every other test under 50 s. The backstops are
#: about twice those.
pytestmark = pytest.mark.timeout(480)
#: How long one run may take from Start to its results.
RUN_TIMEOUT_MS = 360_000
#: The training digits the recipes need beside the test files `mnist_dir` checks.
TRAINING_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")


@dataclass(frozen=True)
class Band:
    """What a recipe's run reaches: the notebook's number (said in words: the notebooks' runs
    were unseeded, on other digits), the accuracy measured here with the recipe's seed, and the
    band a run must end in."""

    notebook: str
    measured: float
    low: float
    high: float = 1.0


#: Ten-class bands are ±4 points around the measurement (4 of the first 100 test digits); the
#: two-class band is 97% and up, where a network that has not learnt stays near 50%.
BANDS = {
    "sigmoid-0-vs-1": Band(
        "notebook 001 prints no test accuracy; its running training accuracy ends near 99%",
        measured=1.0,  # the first 200 test zeros and ones
        low=0.97,
    ),
    "conv-pool-softmax-first-1000": Band(
        "notebook 002: 94% on its training digits after 5 epochs, 89% on the first 100 test digits",
        measured=0.91,  # the first 100 test digits
        low=0.87,
        high=0.95,
    ),
    "scratch-classifier": Band(
        "notebook 000 prints no number (its cells were not run)",
        measured=0.90,  # the first 100 test digits
        low=0.86,
        high=0.94,
    ),
    "lenet": Band(
        "notebook 000 prints no number (its cells were not run)",
        measured=0.94,  # the first 100 test digits
        low=0.90,
        high=0.98,
    ),
    "cnn32-64-64": Band(
        "notebook 004 prints no number (5 epochs on all 60,000 digits)",
        measured=0.895,  # all 10,000 test digits, the weights of epoch 4 (the best) kept
        low=0.855,
        high=0.935,
    ),
}


def conv(kh: int, kw: int, cin: int, cout: int) -> int:
    return (kh * kw * cin + 1) * cout


def dense(fin: int, fout: int) -> int:
    return (fin + 1) * fout


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory, mnist_dir: Path) -> Iterator[LiveServer]:
    """A server reading the real MNIST files where they are (it only reads them)."""
    missing = [name for name in TRAINING_FILES if not (mnist_dir / name).is_file()]
    if missing:
        pytest.fail(
            f"the labs train on {mnist_dir}, which lacks {', '.join(missing)}", pytrace=False
        )
    root = tmp_path_factory.mktemp("lab-server")
    environment = {"CNNVIZ_DATA_DIR": str(mnist_dir.parent)}
    with live_server(root, environment, start_timeout=60) as running:
        yield running


def train_recipe(page, server: LiveServer, recipe: str) -> float:
    """On a Train step: wait until the form holds `recipe`, start it, return its accuracy."""
    assert link_state(page)["recipe"] == recipe
    view = page.locator("section[data-view='train']")
    view.locator("[data-recipe-note]").wait_for()
    assert view.locator("select[data-recipe]").input_value() == recipe
    recipes = {r["name"]: r["config"] for r in server.api("GET", "/api/train/recipes")}
    started = time.monotonic()
    accuracy = train_to_the_end(page, recipes[recipe], timeout_ms=RUN_TIMEOUT_MS)
    took = time.monotonic() - started
    band = BANDS[recipe]
    REPORTS.append(
        f"lab recipe {recipe}: final accuracy {accuracy:.1%} in {took:.0f} s (measured "
        f"{band.measured:.1%}, band {band.low:.1%}-{band.high:.1%}; {band.notebook})"
    )
    assert band.low <= accuracy <= band.high, f"{recipe}: accuracy {accuracy}, {band}"
    return accuracy


def scored_on(page) -> str:
    """What the finished run's results say it was scored on ("accuracy on 100 test digits")."""
    results = page.locator("section[data-view='train'] [data-train-results]")
    line = results.locator("p", has_text="never seen in training").inner_text()
    return line.split(" never seen", 1)[0]


def test_lab_sigmoid_network(page, lab_server, screenshot):
    start_lab(page, lab_server.url, "sigmoid")
    table = model_parameters(page, "sigmoid01")
    assert table["rows"]["conv1"] == conv(3, 3, 1, 8) == 80
    assert table["rows"]["fc1"] == dense(8 * 13 * 13, 1) == 1_353
    assert table["rows"]["rescale1"] == 0 and table["total"] == 1_433

    next_step(page, "sigmoid", 2, "train")
    train_recipe(page, lab_server, "sigmoid-0-vs-1")
    assert scored_on(page) == "accuracy on 200 test digits"
    page.locator("section[data-view='train'] [data-use-model]").click()
    page.wait_for_function(
        "() => new URLSearchParams(location.hash.slice(1)).get('model') !== 'lenet5-mnist'"
    )
    model = link_state(page)["model"]
    screenshot("lab-sigmoid-trained")

    # 3: the Draw view reads with the trained model: two bars, 0 and 1, and the API's numbers.
    next_step(page, "sigmoid", 3, "draw")
    assert link_state(page)["model"] == model
    draw = page.locator("section[data-view='draw']")
    draw.locator("[data-clear]").click()
    draw_and_wait(page, one_points())
    bars = draw.locator("[data-prob]")
    assert bars.count() == 2
    shown = [float(bars.nth(k).get_attribute("data-value")) for k in range(2)]
    digit = page.evaluate("async () => (await import('/js/shell.js')).currentDigit()")
    answer = lab_server.api("POST", f"/api/models/{model}/predict", digit)
    assert answer["classes"] == ["0", "1"]
    assert shown == pytest.approx(answer["probabilities"], abs=1e-6)
    assert draw.locator("[data-classes-warning]").is_visible()


def test_lab_first_thousand(page, lab_server):
    start_lab(page, lab_server.url, "first-thousand")
    table = model_parameters(page, "simple")
    assert table["rows"]["conv1"] == conv(3, 3, 1, 8) == 80
    assert table["rows"]["fc1"] == dense(8 * 13 * 13, 10) == 13_530
    assert table["total"] == 13_610
    next_step(page, "first-thousand", 2, "train")
    train_recipe(page, lab_server, "conv-pool-softmax-first-1000")
    assert scored_on(page) == "accuracy on 100 test digits"


def test_lab_scratch_classifier_and_lenet(page, lab_server, screenshot):
    start_lab(page, lab_server.url, "curves")
    train_recipe(page, lab_server, "scratch-classifier")
    next_step(page, "curves", 2, "train")
    train_recipe(page, lab_server, "lenet")
    screenshot("lab-curves-lenet")
    assert scored_on(page) == "accuracy on 100 test digits"


def test_lab_cnn32_64_64(page, lab_server, screenshot):
    start_lab(page, lab_server.url, "cnn32-64-64")
    table = model_parameters(page, "cnn32-64-64")
    expected = {
        "conv1": conv(3, 3, 1, 32),
        "conv2": conv(3, 3, 32, 64),
        "conv3": conv(3, 3, 64, 64),
        "fc1": dense(64 * 3 * 3, 64),
        "fc2": dense(64, 10),
    }
    assert expected == {"conv1": 320, "conv2": 18_496, "conv3": 36_928, "fc1": 36_928, "fc2": 650}
    for name, count in expected.items():
        assert table["rows"][name] == count, name
    assert table["rows"]["dropout1"] == 0
    assert table["total"] == sum(expected.values()) == 93_322
    screenshot("lab-cnn32-table")
    next_step(page, "cnn32-64-64", 2, "train")
    train_recipe(page, lab_server, "cnn32-64-64")
    assert scored_on(page) == "accuracy on 10,000 test digits"
    kept = page.locator("[data-train-metrics] div", has_text="weights kept").locator("dd")
    assert kept.inner_text().startswith("epoch 4,"), kept.inner_text()
    page.locator("section[data-view='train'] [data-use-model]").click()
    page.wait_for_function(
        "() => new URLSearchParams(location.hash.slice(1)).get('model') !== 'lenet5-mnist'"
    )
    model = link_state(page)["model"]
    # 3: a photo of a digit, chosen with the Draw view's file button, read by the trained model
    # as the API reads the same file.
    next_step(page, "cnn32-64-64", 3, "draw")
    draw = page.locator("section[data-view='draw']")
    before = int(draw.get_attribute("data-predictions") or 0)
    photo = photo_of_a_one()
    page.set_input_files(
        "section[data-view='draw'] [data-photo-file]",
        files=[{"name": "one.png", "mimeType": "image/png", "buffer": photo}],
    )
    wait_predicted(page, before)
    image = "data:image/png;base64," + base64.b64encode(photo).decode("ascii")
    answer = lab_server.api("POST", f"/api/models/{model}/predict", {"image": image})
    bars = draw.locator("[data-prob]")
    shown = [float(bars.nth(k).get_attribute("data-value")) for k in range(bars.count())]
    assert shown == pytest.approx(answer["probabilities"], abs=1e-6)
    screenshot("lab-cnn32-photo")
