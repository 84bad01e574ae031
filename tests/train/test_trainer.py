"""The training loop on synthetic bars: it learns, it is reproducible, its events are well formed,
and the data it trains on is the data the configuration asks for."""

import json
import math

import numpy as np
import pytest
from tests.synthetic_digits import bars

from cnnviz.data.augment import Augmentation
from cnnviz.nn.reference import conv2d_forward_naive
from cnnviz.train import (
    TIME_FIELDS,
    TrainConfig,
    Trainer,
    TrainingDivergedError,
    fields_of,
    without_times,
)

TRAIN = bars(1200, seed=0)
TEST = bars(300, seed=1)


def run(config: TrainConfig, train=TRAIN, test=TEST, **kwargs):
    events = []
    trainer = Trainer(config, *train, *(test or (None, None)), **kwargs)
    model = trainer.run(events.append)
    return trainer, model, events


def of_type(events, kind):
    return [e for e in events if e["type"] == kind]


def weights(model):
    return [p for layer in model for p in layer.params.values()]


# -- learning -------------------------------------------------------------------------------------


def test_loss_goes_down_and_accuracy_up():
    config = TrainConfig(model="simple", batch_size=32, epochs=2, validation_size=200)
    _, _, events = run(config)
    steps = of_type(events, "step")
    first = np.mean([s["loss"] for s in steps[:5]])
    last = np.mean([s["loss"] for s in steps[-10:]])
    assert abs(steps[0]["loss"] - math.log(10)) < 0.3  # a fresh model knows nothing
    assert last < first / 5, (first, last)
    epochs = of_type(events, "epoch")
    assert epochs[1]["train_loss"] < epochs[0]["train_loss"]
    assert epochs[-1]["val_accuracy"] > 0.9
    done = events[-1]
    assert done["evaluated_on"] == "test" and done["count"] == 300
    assert done["accuracy"] > 0.9 and not done["stopped"]
    assert np.sum(done["confusion_matrix"]) == 300


def test_two_class_subset_trains_a_two_output_head():
    test_labels = TEST[1]
    config = TrainConfig(
        model="simple", classes=[7, 2], batch_size=32, epochs=2, validation_size=20
    )
    trainer, model, events = run(config)
    assert model[-1].out_features == 2
    images, labels = trainer.train_data
    # digit 7 is class 0, digit 2 class 1; only those two digits are left
    np.testing.assert_array_equal(labels, np.where(TRAIN[1][trainer.train_indices] == 7, 0, 1))
    assert set(TRAIN[1][trainer.train_indices]) == {2, 7}
    assert set(TRAIN[1][trainer.validation_indices]) == {2, 7}
    assert images.shape == (len(labels), 1, 28, 28) and images.dtype == np.float32
    done = events[-1]
    assert done["classes"] == [7, 2] and done["class_names"] == ["7", "2"]
    assert np.array(done["confusion_matrix"]).shape == (2, 2)
    assert done["count"] == np.isin(test_labels, [2, 7]).sum()
    assert done["accuracy"] > 0.9
    for m in done["misclassified"]:  # indices point into the test arrays as given
        assert test_labels[m["index"]] == [7, 2][m["true"]]


def test_train_size_and_validation_split_are_respected():
    config = TrainConfig(train_size=300, batch_size=64, epochs=1)
    trainer, _, events = run(config, test=None)
    start = events[0]
    assert start["train_size"] == 300 and start["validation_size"] == 120  # a tenth of 1200
    assert start["steps_per_epoch"] == 5 == len(of_type(events, "step"))
    assert len(trainer.train_indices) == 300
    assert not set(trainer.train_indices) & set(trainer.validation_indices)
    # stratified: 30 of each of the ten classes
    np.testing.assert_array_equal(np.bincount(TRAIN[1][trainer.train_indices]), [30] * 10)
    assert events[-1]["evaluated_on"] == "validation" and events[-1]["count"] == 120
    # the same split whatever else changes
    other = Trainer(TrainConfig(train_size=300, lr=0.1, epochs=3), *TRAIN)
    np.testing.assert_array_equal(other.train_indices, trainer.train_indices)


def test_without_validation_or_test_the_done_event_has_no_metrics():
    config = TrainConfig(train_size=64, validation_size=0, epochs=1)
    _, _, events = run(config, test=None)
    assert of_type(events, "epoch")[0]["val_loss"] is None
    done = events[-1]
    assert done["evaluated_on"] is None and done["accuracy"] is None
    assert done["confusion_matrix"] is None and done["misclassified"] is None


# -- reproducibility ----------------------------------------------------------------------------


REPRO = dict(
    model="simple",
    train_size=256,
    validation_size=64,
    batch_size=32,
    epochs=2,
    augmentation=Augmentation(elastic_alpha=1.0),
    lr_schedule="cosine",
    emit_filters=True,
    step_every=3,
)


def test_same_seed_same_weights_and_events_other_seed_different():
    _, first, events_a = run(TrainConfig(**REPRO, seed=5))
    _, again, events_b = run(TrainConfig(**REPRO, seed=5))
    _, other, events_c = run(TrainConfig(**REPRO, seed=6))
    for a, b in zip(weights(first), weights(again), strict=True):
        np.testing.assert_array_equal(a, b)
    assert [without_times(e) for e in events_a] == [without_times(e) for e in events_b]
    assert any(
        not np.array_equal(a, c) for a, c in zip(weights(first), weights(other), strict=True)
    )
    steps_a, steps_c = of_type(events_a, "step"), of_type(events_c, "step")
    assert [s["loss"] for s in steps_a] != [s["loss"] for s in steps_c]


def test_augmentation_changes_training_but_not_the_batch_order_or_initial_weights():
    plain = dict(REPRO, augmentation=None, emit_filters=True)
    a_trainer, _, plain_events = run(TrainConfig(**plain))
    b_trainer, _, aug_events = run(TrainConfig(**dict(plain, augmentation=Augmentation())))
    np.testing.assert_array_equal(a_trainer.epoch_order(2), b_trainer.epoch_order(2))
    first_filters = [of_type(e, "filters")[0] for e in (plain_events, aug_events)]
    assert first_filters[0] == first_filters[1]  # epoch 0: identical initial weights
    assert of_type(plain_events, "step")[0]["loss"] != of_type(aug_events, "step")[0]["loss"]


# -- events ---------------------------------------------------------------------------------------


def test_events_are_well_formed_and_json_serialisable():
    config = TrainConfig(**dict(REPRO, model="lenet5", augmentation=None, validate_every=4))
    trainer, model, events = run(config)
    for event in events:
        assert list(event) == list(fields_of(event["type"])), event["type"]
        assert json.loads(json.dumps(event, allow_nan=False)) == event
    kinds = [e["type"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "done" and kinds.count("done") == 1
    # Filters before training and with each validation point (steps 4, 8, 12, 16).
    assert kinds.count("epoch") == 2 and kinds.count("validation") == 4
    assert kinds.count("filters") == 5 and kinds[1] == "filters"
    assert kinds[-4:] == ["validation", "filters", "epoch", "done"]

    start = events[0]
    assert start["config"] == config.to_dict() and start["model"] == model.to_spec()
    assert start["total_steps"] == 2 * start["steps_per_epoch"] == 16

    steps = of_type(events, "step")
    assert [s["global_step"] for s in steps] == [3, 6, 9, 12, 15]  # step_every=3
    for s in steps:
        assert s["epoch"] == (s["global_step"] - 1) // 8 + 1
        assert s["step"] == (s["global_step"] - 1) % 8 + 1
        assert s["lr"] == trainer.schedule(s["global_step"] - 1)
        assert 0 <= s["accuracy"] <= 1 and s["samples_per_second"] > 0 and not s["single_step"]

    for number, epoch in enumerate(of_type(events, "epoch"), start=1):
        assert epoch["epoch"] == number and epoch["global_step"] == 8 * number
        assert epoch["seconds"] > 0 and 0 <= epoch["val_accuracy"] <= 1

    filters = of_type(events, "filters")
    assert [(f["epoch"], f["global_step"]) for f in filters] == [
        (0, 0),
        (1, 4),
        (1, 8),
        (2, 12),
        (2, 16),
    ]
    assert filters[-1]["layer"] == "conv1" and filters[-1]["shape"] == [6, 1, 5, 5]
    np.testing.assert_array_equal(
        np.array(filters[-1]["weights"], np.float32), model[0].params["weight"]
    )
    # The probe: the first validation digit through conv1 (LeNet-5's first Conv2D), as the
    # naive reference convolution computes it with the final weights.
    probe = filters[-1]["probe"]
    index = int(trainer.validation_indices[0])
    assert (probe["split"], probe["index"], probe["layer"]) == ("validation", index, "conv1")
    digit = TRAIN[0][index]
    assert probe["label"] == TRAIN[1][index] and probe["class_name"] == str(TRAIN[1][index])
    np.testing.assert_array_equal(np.array(probe["image"]), digit)
    conv = model[0]
    x = digit[None, None].astype(np.float64) / 255
    expected = conv2d_forward_naive(
        x, conv.params["weight"].astype(np.float64), conv.params["bias"], conv.window
    )[0]
    assert probe["shape"] == [6, 28, 28]
    np.testing.assert_allclose(probe["values"], expected, atol=1e-4)

    done = events[-1]
    assert done["epochs_completed"] == 2 and done["global_step"] == 16
    assert done["evaluated_on"] == "test" and len(done["per_class_accuracy"]) == 10
    assert set(TIME_FIELDS) == {"samples_per_second", "seconds"}


def test_a_given_model_is_trained_in_place_and_a_trainer_runs_once():
    trainer = Trainer(TrainConfig(train_size=64, epochs=1), *TRAIN)
    before = trainer.model[0].params["weight"].copy()
    model = trainer.run(lambda event: None)
    assert model is trainer.model and not np.array_equal(before, model[0].params["weight"])
    with pytest.raises(RuntimeError, match="runs once"):
        trainer.run(lambda event: None)
    again = Trainer(TrainConfig(train_size=64, epochs=1), *TRAIN, model=model)
    assert again.model is model
    with pytest.raises(ValueError, match=r"the 2 classes need \(2,\)"):
        Trainer(TrainConfig(classes=[0, 1]), *TRAIN, model=model)


def test_a_diverging_run_fails_naming_what_to_lower():
    """lr far too large for plain SGD: the loss becomes inf or NaN within the first epoch, and
    the run fails with what to lower instead of ending "done" with weights that are not numbers;
    the events before it are strict JSON."""
    config = TrainConfig(optimizer="sgd", lr=10.0, train_size=400, validation_size=32, epochs=3)
    trainer = Trainer(config, *TRAIN)
    events = []
    with np.errstate(all="ignore"), pytest.raises(TrainingDivergedError) as raised:
        trainer.run(events.append)
    message = str(raised.value)
    assert "lower the learning rate (lr)" in message and "lr 10 in this run" in message
    steps = of_type(events, "step")
    assert f"at step {len(steps) + 1:,} of {trainer.total_steps:,}" in message
    assert not of_type(events, "done")
    for event in events:
        json.dumps(event, allow_nan=False)


def test_validation_points_every_n_steps_score_the_validation_set():
    config = TrainConfig(
        train_size=256, validation_size=64, batch_size=32, epochs=2, validate_every=5
    )
    trainer, model, events = run(config, test=None)
    points = of_type(events, "validation")
    # 8 batches of 32 an epoch, 16 in all: a point after steps 5, 10 and 15, and the last.
    assert [p["global_step"] for p in points] == [5, 10, 15, 16]
    assert [p["epoch"] for p in points] == [1, 2, 2, 2]
    steps = of_type(events, "step")  # every step (step_every 1), each a batch of 32
    for point, (after, upto) in zip(points, [(0, 5), (5, 10), (10, 15), (15, 16)], strict=True):
        batches = steps[after:upto]
        assert point["train_loss"] == pytest.approx(np.mean([s["loss"] for s in batches]))
        assert point["train_accuracy"] == pytest.approx(np.mean([s["accuracy"] for s in batches]))
    # The last point scores the final model: counted here from its logits.
    images, labels = TRAIN[0][trainer.validation_indices], TRAIN[1][trainer.validation_indices]
    logits = model.forward(images[:, None].astype(np.float32) / 255)
    assert points[-1]["val_accuracy"] == np.mean(logits.argmax(axis=1) == labels)
    assert of_type(events, "epoch")[-1]["val_accuracy"] == points[-1]["val_accuracy"]
