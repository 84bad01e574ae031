"""TrainConfig: JSON round trip, every validation error saying what to fix, the model it builds;
the loss with label smoothing against torch; the stratified split order."""

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)
from tests.synthetic_digits import bars

from cnnviz.data.augment import Augmentation
from cnnviz.nn import build_model
from cnnviz.train import ConfigError, TrainConfig, Trainer, cross_entropy, stratified_order


def test_json_round_trip():
    config = TrainConfig(
        model="lenet5",
        classes=[3, 8],
        train_size=500,
        validation_size=0,
        optimizer="sgd",
        lr=0.05,
        optimizer_kwargs={"momentum": 0.9, "nesterov": True},
        batch_size=32,
        epochs=3,
        seed=7,
        augmentation=Augmentation(shift=1.0, elastic_alpha=1.5),
        lr_schedule="cosine",
        warmup_steps=20,
        label_smoothing=0.1,
        emit_filters=True,
        step_every=5,
    )
    data = json.loads(json.dumps(config.to_dict()))
    assert data["augmentation"]["scale"] == [0.9, 1.1]
    assert TrainConfig.from_dict(data) == config
    assert TrainConfig.from_dict({}) == TrainConfig()


def test_spec_round_trip():
    spec = build_model("simple").to_spec()
    config = TrainConfig(spec=spec)
    assert TrainConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


BAD = [
    ({"batch_size": 0}, "batch_size must be an integer between 1 and 512, got 0"),
    ({"batch_size": 1000}, "batch_size must be an integer between 1 and 512, got 1000"),
    ({"batch_size": True}, "batch_size must be an integer"),
    ({"batch_size": 32.0}, "batch_size must be an integer"),
    ({"epochs": 0}, "epochs must be an integer between 1 and 1,000, got 0"),
    ({"optimizer": "adamw"}, "unknown optimizer 'adamw'; choose one of sgd, adagrad"),
    ({"optimizer_kwargs": {"momentum": 0.9}}, "adam does not take momentum"),
    ({"optimizer_kwargs": {"lr": 0.1}}, "must not hold lr; set the lr field"),
    (
        {"optimizer": "sgd", "optimizer_kwargs": {"momentum": -1}},
        r"optimizer_kwargs: momentum must be a number in \[0, 1\), got -1",
    ),
    ({"optimizer_kwargs": {"weight_decay": 1e308}}, r"weight_decay must be a number in \[0, 1\]"),
    ({"optimizer_kwargs": {"betas": [0.9]}}, "betas must be a pair of numbers"),
    ({"optimizer_kwargs": {"betas": [0.9, 1.0]}}, r"betas\[1\] must be a number in \[0, 1\)"),
    ({"optimizer": "sgd", "optimizer_kwargs": {"nesterov": 1}}, "nesterov must be true or false"),
    ({"model": "resnet"}, "unknown model 'resnet'; choose one of simple, lenet5, tinyvgg"),
    ({"dataset": "cifar10"}, "unknown dataset 'cifar10'; known: mnist"),
    ({"classes": [1, 1, 2]}, r"classes has duplicates: \[1\]"),
    ({"classes": [0, 10]}, r"classes \[10\] are not labels of mnist; use 0..9"),
    ({"classes": [-1, 3]}, r"classes \[-1\] are not labels"),
    ({"classes": [4]}, "classes needs at least 2 labels"),
    ({"classes": "0,1"}, "classes must be a list of class labels"),
    ({"classes": list(range(11))}, "classes has 11 labels, but mnist has 10"),
    ({"train_size": 0}, "train_size must be an integer between 1 and 60,000, got 0"),
    ({"validation_size": -5}, "validation_size must be an integer between 0 and 60,000"),
    ({"seed": -1}, "seed must be an integer between 0 and 4,294,967,295, got -1"),
    ({"seed": 2**32}, "seed must be an integer between 0 and 4,294,967,295"),
    ({"epochs": 1001}, "epochs must be an integer between 1 and 1,000, got 1001"),
    ({"lr": 0}, r"lr must be a number in \(0, 10\], got 0"),
    ({"lr": 11}, r"lr must be a number in \(0, 10\], got 11"),
    ({"lr": float("nan")}, r"lr must be a number in \(0, 10\], got nan"),
    ({"lr_schedule": "linear"}, "unknown lr_schedule 'linear'; choose one of constant, cosine"),
    ({"gamma": 0}, r"gamma must be a number in \(0, 1\]"),
    ({"label_smoothing": 1.0}, r"label_smoothing must be a number in \[0, 1\)"),
    ({"step_every": 0}, "step_every must be an integer between 1 and 1,000,000"),
    ({"warmup_steps": -1}, "warmup_steps must be an integer between 0 and 1,000,000"),
    ({"warmup_steps": 10**7}, "warmup_steps must be an integer between 0 and 1,000,000"),
    ({"emit_filters": "yes"}, "emit_filters must be true or false"),
    ({"spec": {"layers": "conv"}}, "spec: a model spec is a dict with a 'layers' list"),
    ({"spec": {"layers": [{"type": "Conv3D"}]}}, "spec: layer 1 of the spec has unknown type"),
]


@pytest.mark.parametrize("override, message", BAD, ids=[str(o) for o, _ in BAD])
def test_each_invalid_setting_says_what_to_fix(override, message):
    with pytest.raises(ConfigError, match=message):
        TrainConfig(**override)
    with pytest.raises(ConfigError, match=message):
        TrainConfig.from_dict(override)


def test_all_problems_are_reported_at_once_and_unknown_fields_too():
    with pytest.raises(ConfigError) as info:
        TrainConfig.from_dict({"batch_size": 0, "epochs": 0, "learning_rate": 0.1})
    problems = info.value.problems
    assert len(problems) == 3
    assert any("unknown field 'learning_rate'; fields are model, spec" in p for p in problems)
    with pytest.raises(ConfigError, match="augmentation: unknown augmentation parameter"):
        TrainConfig.from_dict({"augmentation": {"flip": True}})
    with pytest.raises(ConfigError, match="augmentation: rotation must be between 0 and 180"):
        TrainConfig.from_dict({"augmentation": {"rotation": 400}})
    with pytest.raises(ConfigError, match="a training configuration is an object"):
        TrainConfig.from_dict([1, 2])


def test_a_spec_must_have_one_output_per_class():
    spec = build_model("simple").to_spec()
    with pytest.raises(ConfigError, match=r"outputs shape \(10,\), but the 2 classes need \(2,\)"):
        TrainConfig(spec=spec, classes=[0, 1])
    spec["layers"][-1]["out_features"] = 2
    assert TrainConfig(spec=spec, classes=[0, 1]).build_model()[-1].out_features == 2


@pytest.mark.parametrize("preset", ["simple", "lenet5"])
def test_a_class_subset_resizes_the_preset_head_and_keeps_the_rest(preset):
    full = TrainConfig(model=preset, seed=3).build_model()
    pair = TrainConfig(model=preset, seed=3, classes=[0, 1]).build_model()
    assert full[-1].out_features == 10 and pair[-1].out_features == 2
    assert pair.names == full.names
    for a, b in zip(list(full)[:-1], list(pair)[:-1], strict=True):
        for key in a.params:
            np.testing.assert_array_equal(a.params[key], b.params[key])
    same = build_model(preset, seed=3)
    for a, b in zip(full, same, strict=True):
        for key in a.params:
            np.testing.assert_array_equal(a.params[key], b.params[key])


def test_data_dependent_errors_come_from_the_trainer():
    images, labels = bars(200)
    with pytest.raises(
        ConfigError, match=r"train_size 500 is larger than the 180 training samples"
    ):
        Trainer(TrainConfig(train_size=500), images, labels)
    with pytest.raises(ConfigError, match="validation_size 200 leaves no training samples"):
        Trainer(TrainConfig(validation_size=200), images, labels)
    two = TrainConfig(classes=[0, 1], train_size=40, validation_size=0)
    with pytest.raises(ConfigError, match=r"train_size 41 is larger than the 40 training samples"):
        Trainer(TrainConfig(classes=[0, 1], train_size=41, validation_size=0), images, labels)
    assert len(Trainer(two, images, labels).train_indices) == 40
    with pytest.raises(ValueError, match="training labels must be 200 integers"):
        Trainer(TrainConfig(), images, labels[:10])
    with pytest.raises(ValueError, match="give both test_images and test_labels"):
        Trainer(TrainConfig(), images, labels, test_images=images)


@pytest.mark.parametrize("smoothing", [0.0, 0.1, 0.3])
def test_cross_entropy_with_label_smoothing_matches_torch(smoothing):
    rng = np.random.default_rng(4)
    logits, labels = rng.normal(0, 3, (9, 5)), rng.integers(0, 5, 9)
    loss, dlogits = cross_entropy(logits, labels, smoothing)
    t_logits = torch.tensor(logits, requires_grad=True)
    t_loss = F.cross_entropy(t_logits, torch.from_numpy(labels), label_smoothing=smoothing)
    t_loss.backward()
    assert loss == pytest.approx(t_loss.item(), rel=1e-12)
    np.testing.assert_allclose(dlogits, t_logits.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_stratified_order_keeps_class_proportions_in_every_prefix():
    labels = np.repeat([0, 1, 2], [600, 300, 100])
    order = stratified_order(labels, np.random.default_rng(0))
    assert sorted(order.tolist()) == list(range(1000))
    for n in (10, 100, 250, 1000):
        counts = np.bincount(labels[order[:n]], minlength=3)
        np.testing.assert_allclose(counts, [0.6 * n, 0.3 * n, 0.1 * n], atol=1)
    again = stratified_order(labels, np.random.default_rng(0))
    np.testing.assert_array_equal(order, again)
    assert not np.array_equal(order, stratified_order(labels, np.random.default_rng(1)))
