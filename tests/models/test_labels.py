"""Model labels, accuracy texts and class warnings, each expected string written out by hand from
the metadata it is composed of (`cnnviz.models.labels`)."""

import datetime as dt

import pytest

from cnnviz.models.bundled import PRETRAINED_DIR
from cnnviz.models.labels import accuracy_text, classes_warning, model_label
from cnnviz.nn import read_metadata

PLUS_ONE = dt.timezone(dt.timedelta(hours=1))
IN_2026 = dt.datetime(2026, 12, 2, tzinfo=dt.UTC)
FASHION = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


def digits(*labels: int) -> dict:
    return {"classes": list(labels), "class_names": [str(k) for k in labels]}


def label(meta: dict) -> str:
    return model_label(meta, now=IN_2026, tz=PLUS_ONE)


ZERO_ONE_RUN = {
    "preset": "simple",
    "dataset": "mnist",
    **digits(0, 1),
    "trained_at": "2026-12-01",
    "finished_at": "2026-12-01T13:05:42+00:00",
    "evaluation": {"accuracy": 0.9905},
}


def test_a_0_vs_1_run_says_its_network_classes_dataset_and_time() -> None:
    assert label(ZERO_ONE_RUN) == "Simple CNN · digits 0-1 · MNIST · 1 Dec 14:05"
    assert accuracy_text(ZERO_ONE_RUN) == "99.05% on 0-1"
    assert classes_warning(ZERO_ONE_RUN) == (
        "This model knows only 0 and 1: any other digit you draw will be read as one of them."
    )


def test_the_bundled_lenet5_reads_as_what_it_is() -> None:
    meta = read_metadata(PRETRAINED_DIR / "lenet5-mnist.npz")  # trained on 23 Nov 2026, 98.84%
    assert label(meta) == "LeNet-5 · digits 0-9 · MNIST · 23 Nov 2026"
    assert accuracy_text(meta) == "98.84% on 0-9"
    assert classes_warning(meta) is None


def test_the_year_shows_only_when_it_is_not_this_one() -> None:
    next_year = dt.datetime(2027, 1, 5, tzinfo=dt.UTC)
    assert model_label(ZERO_ONE_RUN, now=next_year, tz=PLUS_ONE).endswith("1 Dec 2026 14:05")
    # 23:30 UTC on 31 Dec is already next year one hour east
    late = {**ZERO_ONE_RUN, "finished_at": "2026-12-31T23:30:00+00:00"}
    assert label(late).endswith("1 Jan 2027 00:30")


def test_a_time_without_a_zone_is_utc_and_a_broken_one_is_left_out() -> None:
    naive = {**ZERO_ONE_RUN, "finished_at": "2026-12-01T13:05:00"}
    assert label(naive).endswith("1 Dec 14:05")
    broken = {**ZERO_ONE_RUN, "finished_at": "yesterday", "trained_at": "soon"}
    assert label(broken) == "Simple CNN · digits 0-1 · MNIST"


@pytest.mark.parametrize(
    ("labels", "compact", "spoken"),
    [
        ((0, 3, 7), "0, 3, 7", "0, 3 and 7"),
        ((2, 3, 4, 7), "2-4, 7", "2 to 4 and 7"),
        ((5, 6), "5-6", "5 and 6"),
        ((0, 1, 2, 3, 4, 5, 6, 7, 8), "0-8", "0 to 8"),
    ],
)
def test_digit_subsets_as_ranges_and_as_a_sentence(labels, compact, spoken) -> None:
    meta = {"preset": "lenet5", "dataset": "mnist", **digits(*labels)}
    meta["evaluation"] = {"accuracy": 0.5}
    assert label(meta) == f"LeNet-5 · digits {compact} · MNIST"
    assert accuracy_text(meta) == f"50.00% on {compact}"
    assert classes_warning(meta) == (
        f"This model knows only {spoken}: any other digit you draw will be read as one of them."
    )


def test_an_untrained_model_says_so_and_when_it_was_made() -> None:
    created = {"preset": "lenet5", "created_at": "2026-12-01T09:00:00+00:00", **digits(*range(10))}
    assert label(created) == "LeNet-5 · digits 0-9 · 1 Dec 10:00"
    assert accuracy_text(created) == "untrained"
    assert classes_warning(created) is None
    two = {"preset": None, **digits(0, 1)}
    assert label(two) == "Custom network · digits 0-1"
    assert classes_warning(two).startswith("This model knows only 0 and 1:")


def test_trained_but_not_evaluated_and_unknown_presets() -> None:
    meta = {"preset": "resnet-ish", "dataset": "mnist", **digits(*range(10))}
    assert label(meta) == "resnet-ish · digits 0-9 · MNIST"
    assert accuracy_text(meta) == "not evaluated"


def test_a_file_without_classes_shows_no_classes_and_no_warning() -> None:
    old = {"preset": "simple", "dataset": "mnist", "evaluation": {"accuracy": 0.9}}
    assert label(old) == "Simple CNN · MNIST"
    assert accuracy_text(old) == "90.00%"
    assert classes_warning(old) is None


def test_fashion_classes_are_named_few_counted_many() -> None:
    every = {"preset": "lenet5", "dataset": "fashion-mnist", "class_names": list(FASHION)}
    every["evaluation"] = {"accuracy": 0.9}
    assert label(every) == "LeNet-5 · all 10 classes · Fashion-MNIST"
    assert accuracy_text(every) == "90.00% on all 10 classes"
    assert classes_warning(every) is None
    two = {**every, "class_names": ["Trouser", "Bag"]}
    assert label(two) == "LeNet-5 · Trouser, Bag · Fashion-MNIST"
    assert classes_warning(two) == (
        "This model knows only Trouser and Bag of Fashion-MNIST's 10 classes: anything else "
        "will be read as one of them."
    )
    four = {**every, "class_names": ["Trouser", "Bag", "Coat", "Shirt"]}
    assert label(four) == "LeNet-5 · 4 classes · Fashion-MNIST"
