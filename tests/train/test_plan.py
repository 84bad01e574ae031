"""What a run will be, before it starts (`cnnviz.train.plan`): its numbers counted by hand from
the configuration, and each problem named for the API and, by field, in a form's words."""

import pytest

from cnnviz.train import ConfigError, TrainConfig
from cnnviz.train.cost import MAX_JOB_MULTIPLY_ADDS
from cnnviz.train.plan import plan_job
from cnnviz.train.points import (
    MAX_VALIDATION_POINTS,
    check_validation_points,
    validation_count,
    validation_interval,
)

#: Training images per label on a made-up disk: 300 zeros, 320 ones, 100 of every other digit.
COUNTS = [300, 320] + [100] * 8
#: The page's default run: two digits, 500 images, 5 epochs of batches of 32, 2 steps a second.
WATCH = {"classes": [0, 1], "train_size": 500, "batch_size": 32, "epochs": 5}
#: `simple` by hand: 8 filters of 3×3 at 26×26 positions, then a dense layer of 1,352 × 2.
SIMPLE_TWO_CLASS_MULTIPLY_ADDS = 8 * 9 * 26 * 26 + 1352 * 2


def plan(**fields):
    config = TrainConfig.from_dict(fields)
    return plan_job(config, config.build_model(), COUNTS)


@pytest.mark.parametrize(
    ("validate_every", "total_steps", "interval", "points"),
    [
        (None, 80, 3, 27),  # about 30: one every 3 steps (26) and one after the last (80)
        (None, 16, 1, 16),
        (None, 30, 1, 30),
        (None, 31, 2, 16),
        (5, 16, 5, 4),  # after steps 5, 10, 15 and 16
        (4, 16, 4, 4),
    ],
)
def test_validation_points(validate_every, total_steps, interval, points):
    assert validation_interval(validate_every, total_steps) == interval
    assert validation_count(interval, total_steps) == points


def test_more_validation_points_than_a_run_may_have_are_refused():
    check_validation_points(1, MAX_VALIDATION_POINTS)
    with pytest.raises(ConfigError) as refused:
        check_validation_points(1, 1600)
    assert "1,600 validation points" in str(refused.value)
    assert refused.value.fields == {"validate_every": "at least 4 for a run of 1,600 steps"}


def test_the_watch_run_counted_by_hand():
    got = plan(**WATCH, steps_per_second=2)
    assert got.fits and got.problems == [] and got.fields == {}
    assert (got.classes, got.class_names) == ([0, 1], ["0", "1"])
    assert got.class_counts == [300, 320] and got.available == 620
    # A tenth held out (62), 558 left, 500 asked for: 16 batches an epoch (15 of 32, one of 20).
    assert (got.validation_size, got.max_train_size, got.train_size) == (62, 558, 500)
    assert (got.steps_per_epoch, got.total_steps) == (16, 80)
    assert (got.validate_every, got.validation_points) == (3, 27)
    # 3 passes a training step for 2,500 images, one pass over the 62 held out at 27 points
    # and after 5 epochs.
    per_sample = SIMPLE_TWO_CLASS_MULTIPLY_ADDS
    assert got.multiply_adds == per_sample * (3 * 500 * 5 + (27 + 5) * 62)
    assert got.budget == MAX_JOB_MULTIPLY_ADDS
    assert got.seconds == 40.0  # 80 steps at 2 a second; the compute takes far less
    assert got.probe_layer == "conv1"
    assert [(layer["name"], layer["shape"]) for layer in got.layers] == [
        ("conv1", [8, 26, 26]),
        ("pool1", [8, 13, 13]),
        ("flatten1", [1352]),
        ("fc1", [2]),
    ]


def test_at_full_speed_the_duration_is_estimated_from_the_compute():
    got = plan(**WATCH)
    assert got.steps_per_second is None
    assert 0 < got.seconds < 1  # 3.6e7 multiply-adds


def test_each_problem_is_named_by_field_in_a_forms_words():
    got = plan(**{**WATCH, "train_size": 600, "probe_layer": "conv9"})
    assert not got.fits and len(got.problems) == 2
    assert "train_size 600 is larger than the 558 training samples available" in got.problems[1]
    assert got.fields == {
        "train_size": "at most 558 for classes 0 and 1 (620 on the server, 62 of them held out "
        "for validation)",
        "probe_layer": "choose one of conv1, pool1, flatten1, fc1",
    }
    every = plan(**{**WATCH, "epochs": 100, "validate_every": 1})
    assert every.total_steps == 1600 and every.validation_points == 1600
    assert every.fields == {"validate_every": "at least 4 for a run of 1,600 steps"}
    config = TrainConfig.from_dict({"model": "tinyvgg", "epochs": 1000})
    costly = plan_job(config, config.build_model(), [6000] * 10)  # MNIST's 60,000
    assert costly.fields["epochs"].startswith("at most ")
    assert costly.fields["epochs"].endswith(
        "for 54,000 training images within the compute budget of 1e+13 multiply-adds a run"
    )


def test_without_the_dataset_only_the_model_is_planned():
    config = TrainConfig.from_dict(WATCH)
    got = plan_job(config, config.build_model(), None)
    assert got.fits and got.available is None and got.total_steps is None
    assert got.probe_layer == "conv1" and len(got.layers) == 4


def test_range_problems_come_in_a_forms_words_too():
    with pytest.raises(ConfigError) as refused:
        TrainConfig.from_dict({"batch_size": 0, "steps_per_second": 0, "classes": [3]})
    assert refused.value.fields == {
        "batch_size": "a whole number from 1 to 512",
        "steps_per_second": "a number above 0 and at most 50",
        "classes": "choose at least 2",
    }
