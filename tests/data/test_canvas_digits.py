"""Acceptance: canvas drawings are read right.

Stroke digits (`tests/strokes.py`) drawn on a 280×280 canvas the way a user's drawing
arrives: black strokes on a transparent canvas (what the browser sends), black on white, and
white on black; several digit heights, positions and brush widths. Each is encoded as PNG and
read by `cnnviz predict --json`, once per bundled model over all the files, as a user would.

Checked: `lenet5-mnist` gets every rendering's label right; neither bundled model confuses the
ellipse "0" with the thin vertical "1" (the right top class, and the other one's probability
under 1%). Every case is its own test, named by what it draws.
"""

import contextlib
import io
import itertools
import json
from dataclasses import dataclass

import pytest
from tests.strokes import DIGITS, drawing

from cnnviz.cli import main

CANVAS = 280
MODELS = ("lenet5-mnist", "simple-mnist")
DIGITS_TESTED = ("0", "1", "4", "7")
BACKGROUNDS = {
    "transparent": {"style": "RGBA", "ink": (0, 0, 0)},
    "white": {"style": "RGB", "ink": (0, 0, 0), "background": (255, 255, 255)},
    "black": {"style": "RGB", "ink": (255, 255, 255), "background": (0, 0, 0)},
}
HEIGHTS = (120, 180, 240)  # of the strokes' centre lines; the brush adds half its width all round
BRUSHES = (10, 20, 30)
POSITIONS = ("centre", "top-left", "bottom-right")
MARGIN = 2  # pixels between the ink and the canvas edge for a digit pushed into a corner
CONFUSED = 0.01  # "0" and "1": the other one's probability must stay below this


@dataclass(frozen=True)
class Case:
    digit: str
    background: str
    height: int
    brush: int
    position: str

    @property
    def id(self) -> str:
        return f"{self.digit}-{self.background}-h{self.height}-b{self.brush}-{self.position}"

    def center(self) -> tuple[float, float] | None:
        """The (x, y) of the digit's box: the canvas centre, or as far into a corner as fits."""
        if self.position == "centre":
            return None
        half_w = DIGITS[self.digit][0] * self.height / 2 + self.brush / 2 + MARGIN
        half_h = self.height / 2 + self.brush / 2 + MARGIN
        if self.position == "top-left":
            return half_w, half_h
        return CANVAS - half_w, CANVAS - half_h

    def png(self) -> bytes:
        options = dict(BACKGROUNDS[self.background])
        return drawing(
            self.digit,
            options.pop("style"),
            size=(CANVAS, CANVAS),
            center=self.center(),
            height=self.height,
            brush=self.brush,
            **options,
        )


CASES = [
    Case(*values)
    for values in itertools.product(DIGITS_TESTED, BACKGROUNDS, HEIGHTS, BRUSHES, POSITIONS)
]
ZERO_ONE = [case for case in CASES if case.digit in ("0", "1")]


@pytest.fixture(scope="module")
def predictions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, dict]]:
    """model id -> case id -> {label: probability} of the top 3, from `cnnviz predict --json`."""
    folder = tmp_path_factory.mktemp("canvas")
    paths = {}
    for case in CASES:
        paths[case.id] = folder / f"{case.id}.png"
        paths[case.id].write_bytes(case.png())
    by_path = {str(path): case_id for case_id, path in paths.items()}
    results = {}
    for model_id in MODELS:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["predict", *map(str, paths.values()), "--model", model_id, "--json"])
        assert code == 0
        lines = [json.loads(line) for line in out.getvalue().splitlines()]
        assert len(lines) == len(CASES)
        results[model_id] = {
            by_path[line["image"]]: {top["label"]: top["probability"] for top in line["top"]}
            for line in lines
        }
    return results


def test_cases_fit_on_the_canvas() -> None:
    for case in CASES:
        center = case.center() or (CANVAS / 2, CANVAS / 2)
        half_w = DIGITS[case.digit][0] * case.height / 2 + case.brush / 2
        half_h = case.height / 2 + case.brush / 2
        assert center[0] - half_w >= 0 and center[0] + half_w <= CANVAS, case.id
        assert center[1] - half_h >= 0 and center[1] + half_h <= CANVAS, case.id


def top_label(top: dict[str, float]) -> str:
    return max(top, key=top.__getitem__)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_lenet5_reads_the_drawing(case: Case, predictions: dict) -> None:
    top = predictions["lenet5-mnist"][case.id]
    assert top_label(top) == case.digit, f"{case.id}: read as {top}"


@pytest.mark.parametrize("model_id", MODELS)
@pytest.mark.parametrize("case", ZERO_ONE, ids=lambda case: case.id)
def test_zero_and_one_are_never_confused(case: Case, model_id: str, predictions: dict) -> None:
    top = predictions[model_id][case.id]
    other = "1" if case.digit == "0" else "0"
    assert top_label(top) == case.digit, f"{case.id}: read as {top}"
    # Outside the top 3, the other digit's probability is at most the third one's.
    bound = top.get(other, min(top.values()))
    assert bound < CONFUSED, f"{case.id}: P({other}) may be {bound:.4f} ({top})"
