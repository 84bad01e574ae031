"""Training options of issue 12: keep the best epoch, change the learning rate of a running run,
a one-output (sigmoid) network for two classes, the squared-error loss, per-layer optimizers."""

import math

import numpy as np
import pytest
from tests.synthetic_digits import bars

from cnnviz.nn import build_model
from cnnviz.train import ConfigError, TrainConfig, Trainer, TrainingControl


def of_type(events, kind):
    return [e for e in events if e["type"] == kind]


def weights(model):
    return [p.copy() for layer in model for p in layer.params.values()]


def one_output_spec() -> dict:
    spec = build_model("simple").to_spec()
    spec["layers"][-1]["out_features"] = 1
    return spec


# -- keep the best epoch ---------------------------------------------------------------------------


def noisy_run_data():
    """Bars whose first 100 (the training samples, with train_subset first) carry shuffled
    labels: what the network learns from them helps the 100 validation bars after them only by
    chance, so validation accuracy wanders from epoch to epoch."""
    images, labels = bars(200, seed=0)
    labels = labels.copy()
    labels[:100] = np.random.default_rng(0).permutation(labels[:100])
    return images, labels


def test_keep_best_saves_the_weights_of_the_best_validation_epoch():
    images, labels = noisy_run_data()
    settings = dict(
        optimizer="adam",
        lr=0.01,
        batch_size=20,
        epochs=6,
        train_size=100,
        validation_size=100,
        train_subset="first",
        seed=1,
    )
    # The same run without keep_best, the weights copied after each epoch.
    plain = Trainer(TrainConfig(**settings), images, labels)
    after_epoch, events = {}, []

    def record(event):
        events.append(event)
        if event["type"] == "epoch":
            after_epoch[event["epoch"]] = weights(plain.model)

    plain.run(record)
    accuracies = [e["val_accuracy"] for e in of_type(events, "epoch")]
    best_epoch = int(np.argmax(accuracies)) + 1  # the first of equals
    assert accuracies[-1] < max(accuracies), accuracies  # the run this test needs

    kept_events = []
    kept = Trainer(TrainConfig(**settings, keep_best=True), images, labels)
    model = kept.run(kept_events.append)
    for got, expected in zip(weights(model), after_epoch[best_epoch], strict=True):
        np.testing.assert_array_equal(got, expected)
    done = kept_events[-1]
    assert done["best_epoch"] == best_epoch
    assert done["best_accuracy"] == max(accuracies)
    assert done["evaluated_on"] == "validation" and done["accuracy"] == max(accuracies)
    assert events[-1]["best_epoch"] is None


def test_keep_best_needs_a_validation_set():
    with pytest.raises(ConfigError, match=r"keep_best .* needs a validation set"):
        TrainConfig(keep_best=True, validation_size=0)
    with pytest.raises(ConfigError, match="keep_best must be true or false"):
        TrainConfig(keep_best="yes")
    # The default validation share of a tiny set is nothing: said, not a run that keeps its last
    # epoch while claiming the best.
    images, labels = bars(9, seed=0)
    with pytest.raises(ConfigError, match="keep_best needs validation samples") as caught:
        Trainer(TrainConfig(model="simple", keep_best=True), images, labels)
    assert "validation size" in caught.value.fields["keep_best"]


# -- a new learning rate while the run goes ------------------------------------------------------


def test_a_learning_rate_asked_for_applies_from_the_next_batch_and_the_schedule_follows():
    config = TrainConfig(
        optimizer="sgd",
        lr=0.1,
        lr_schedule="cosine",
        batch_size=50,
        train_size=400,
        validation_size=0,
        epochs=2,
    )
    control = TrainingControl()
    events = []

    def record(event):
        events.append(event)
        if event["type"] == "step" and event["global_step"] == 5:
            assert control.set_lr(0.02)

    Trainer(config, *bars(600)).run(record, control)
    total = 16
    for step in of_type(events, "step"):
        s = step["global_step"] - 1  # the schedule counts updates from 0
        base = 0.1 if s < 5 else 0.02
        assert step["lr"] == pytest.approx(base * (1 + math.cos(math.pi * s / total)) / 2)
    (change,) = of_type(events, "lr")
    assert change == {"type": "lr", "global_step": 5, "lr": 0.02, "previous": 0.1}
    order = [(e["type"], e.get("global_step")) for e in events]
    assert order.index(("lr", 5)) < order.index(("step", 6))
    assert not control.take_lr()


def test_a_stopped_control_takes_no_learning_rate():
    control = TrainingControl()
    control.stop()
    assert not control.set_lr(0.5) and control.take_lr() is None


# -- one output: a sigmoid head for two classes ----------------------------------------------------


def test_a_one_output_network_learns_two_classes():
    config = TrainConfig(
        spec=one_output_spec(), classes=[3, 8], optimizer="sgd", lr=0.05, batch_size=16, epochs=2
    )
    events = []
    model = Trainer(config, *bars(400), *bars(200, seed=1)).run(events.append)
    assert model.output_shapes(model.input_shape)[-1] == (1,)
    first = of_type(events, "step")[0]["loss"]
    assert abs(first - math.log(2)) < 0.2  # binary cross-entropy of a network that knows nothing
    done = events[-1]
    assert done["count"] == 40 and done["accuracy"] > 0.9
    assert np.sum(done["confusion_matrix"]) == 40 and len(done["confusion_matrix"]) == 2


def test_a_one_output_network_is_refused_for_other_than_two_classes():
    with pytest.raises(ConfigError, match=r"one output .* learns exactly two classes, not 3"):
        TrainConfig(spec=one_output_spec(), classes=[0, 1, 2])
    model = TrainConfig(spec=one_output_spec(), classes=[0, 1]).build_model()
    with pytest.raises(ValueError, match="learns exactly two classes, not 10"):
        Trainer(TrainConfig(), *bars(200), model=model)


# -- the squared-error loss ------------------------------------------------------------------------


def test_the_mse_loss_trains_and_starts_where_a_uniform_guess_puts_it():
    config = TrainConfig(loss="mse", optimizer="adam", lr=0.01, batch_size=32, epochs=2)
    events = []
    Trainer(config, *bars(600), *bars(200, seed=1)).run(events.append)
    # uniform probabilities against one-hot targets: (0.9² + 9 · 0.1²) / 10 = 0.09
    assert abs(of_type(events, "step")[0]["loss"] - 0.09) < 0.01
    assert events[-1]["accuracy"] > 0.9
    with pytest.raises(ConfigError, match="label_smoothing applies to the softmax cross_entropy"):
        TrainConfig(loss="mse", label_smoothing=0.1)
    with pytest.raises(ConfigError, match="for loss 'cross_entropy' and a one-output network"):
        TrainConfig(spec=one_output_spec(), classes=[0, 1], label_smoothing=0.1)
    with pytest.raises(ConfigError, match="unknown loss 'hinge'; choose one of cross_entropy, mse"):
        TrainConfig(loss="hinge")


# -- per-layer optimizers --------------------------------------------------------------------------


def test_groups_that_repeat_the_main_optimizer_train_exactly_as_without_groups():
    """Giving conv1 its own SGD with the main rate is the same run as no groups at all."""
    settings = dict(optimizer="sgd", lr=0.05, batch_size=32, epochs=1, train_size=200)
    plain = Trainer(TrainConfig(**settings), *bars(400)).run(lambda e: None)
    group = {"layers": ["conv1"], "optimizer": "sgd", "lr": 0.05}
    grouped = Trainer(TrainConfig(**settings, param_groups=[group]), *bars(400))
    model = grouped.run(lambda e: None)
    for a, b in zip(weights(plain), weights(model), strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_group_with_its_own_optimizer_moves_only_its_layers_its_way():
    """conv1 with a zero-ish SGD rate barely moves while fc1 (main optimizer) learns."""
    group = {"layers": ["conv1"], "optimizer": "sgd", "lr": 1e-9}
    config = TrainConfig(
        optimizer="adagrad", lr=0.05, batch_size=32, epochs=1, train_size=200, param_groups=[group]
    )
    trainer = Trainer(config, *bars(400))
    before = weights(trainer.model)
    after = weights(trainer.run(lambda e: None))
    conv_w, fc_w = 0, 2  # conv1.weight, fc1.weight
    assert np.abs(after[conv_w] - before[conv_w]).max() < 1e-6
    assert np.abs(after[fc_w] - before[fc_w]).max() > 1e-3


@pytest.mark.parametrize(
    "groups, message",
    [
        (
            [{"layers": ["conv9"], "optimizer": "sgd", "lr": 0.1}],
            r"param_groups\[0\]: 'conv9' is not a layer of this model; its layers are conv1",
        ),
        (
            [
                {"layers": ["conv1"], "optimizer": "sgd", "lr": 0.1},
                {"layers": ["fc1", "conv1"], "optimizer": "adam", "lr": 0.1},
            ],
            r"param_groups\[1\]: 'conv1' is already in param_groups\[0\]",
        ),
        (
            [{"layers": ["conv1"], "optimizer": "sgd", "lr": 0.1}] * 9,
            "param_groups must be a list of at most 8 groups",
        ),
        (
            [{"layers": ["conv1"], "optimizer": "sgd", "lr": 0}],
            r"param_groups\[0\]: lr must be a number in \(0, 10\], got 0",
        ),
        (
            [{"layers": ["conv1"], "optimizer": "lion", "lr": 0.1}],
            r"param_groups\[0\]: optimizer: unknown optimizer 'lion'",
        ),
        (
            [
                {
                    "layers": ["conv1"],
                    "optimizer": "adam",
                    "lr": 0.1,
                    "optimizer_kwargs": {"momentum": 0.9},
                }
            ],
            r"param_groups\[0\]: optimizer: adam does not take momentum",
        ),
        ([{"layers": [], "optimizer": "sgd", "lr": 0.1}], "layers must list 1 to 64 layer names"),
        ([{"layers": ["conv1"], "lr": 0.1, "rate": 1}], "a group is an object with keys layers"),
    ],
)
def test_param_groups_are_checked_with_messages_that_say_what_to_fix(groups, message):
    with pytest.raises(ConfigError, match=message):
        TrainConfig(param_groups=groups)


def test_param_groups_round_trip_through_json():
    group = {"layers": ["fc1"], "optimizer": "adagrad", "lr": 0.01, "optimizer_kwargs": {}}
    config = TrainConfig(optimizer="sgd", lr=0.01, param_groups=[group])
    assert TrainConfig.from_dict(config.to_dict()) == config


# -- training mode for batches only ----------------------------------------------------------------


def dropout_spec(p: float) -> dict:
    spec = build_model("simple").to_spec()
    spec["layers"].insert(-1, {"type": "Dropout", "p": p})
    return spec


def test_dropout_acts_in_training_batches_and_never_in_evaluations():
    settings = dict(optimizer="sgd", lr=0.05, batch_size=32, epochs=1, train_size=200)
    events, (images, labels) = [], bars(400)
    trainer = Trainer(TrainConfig(spec=dropout_spec(0.5), **settings), images, labels)
    model = trainer.run(events.append)
    identity = Trainer(TrainConfig(spec=dropout_spec(0.0), **settings), *bars(400))
    same_start = identity.run(lambda e: None)
    # the units dropped in training changed the updates (same initial weights, same batches)
    pairs = zip(weights(model), weights(same_start), strict=True)
    assert any(not np.array_equal(a, b) for a, b in pairs)
    assert not model.training
    # the final validation score is the deterministic network's, recomputed here by hand
    held_out = trainer.validation_indices
    x = images[held_out, None].astype(np.float32) / 255
    hits = int((model.forward(x).argmax(axis=1) == labels[held_out]).sum())
    assert events[-1]["evaluated_on"] == "validation"
    assert events[-1]["accuracy"] == hits / len(held_out)
