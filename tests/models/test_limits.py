"""The limits every model obeys (`cnnviz.models.limits`): the bundled models pass them with room to
spare, each limit refuses the model that passes it with the estimate, the limit and what to
lower, and a training job is checked against the data it asks for."""

from pathlib import Path

import numpy as np
import pytest
from tests.tiny_mnist import make_tiny_mnist

from cnnviz.data import write_idx
from cnnviz.models.bundled import PRETRAINED_DIR
from cnnviz.models.limits import build_from_spec, check_model, check_training
from cnnviz.nn import PRESETS, Sequential, build_model
from cnnviz.train import ConfigError, TrainConfig


def conv(cin: int, cout: int, **kwargs) -> dict:
    return {"type": "Conv2D", "in_channels": cin, "out_channels": cout, "kernel_size": 3, **kwargs}


HEAD = [{"type": "MaxPool2D", "kernel_size": 28}, {"type": "Flatten"}]


def dense(features: int) -> dict:
    return {"type": "Dense", "in_features": features, "out_features": 10}


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_and_bundled_model_passes(name: str) -> None:
    check_model(build_model(name))
    for path in sorted(PRETRAINED_DIR.glob("*.npz")):
        check_model(Sequential.load(path))


def test_a_deep_wide_model_is_refused_for_what_its_trace_would_carry() -> None:
    """60 layers of 80 maps of 28×28 (30 convs and their ReLUs) were within the old per-layer
    limits; together they output 3.8 million numbers per sample, a 59 MB trace. The sum passes
    250,000 at the fourth layer: 62,720 numbers each."""
    layers = [conv(1, 80, padding=1), {"type": "ReLU"}]
    for _ in range(29):
        layers += [conv(80, 80, padding=1), {"type": "ReLU"}]
    with pytest.raises(ValueError) as raised:
        build_from_spec({"layers": [*layers, *HEAD, dense(80)]})
    message = str(raised.value)
    assert "ReLU 'relu2' outputs 62,720 numbers per sample (80, 28, 28)" in message
    assert f"{4 * 80 * 28 * 28:,} with the layers before it" in message
    assert "the limit for all layers together is 250,000" in message
    assert "use fewer channels or layers" in message


def test_multiply_adds_are_limited_for_the_whole_model() -> None:
    """Four 3×3 convs of 64 maps without padding: 0.4M + 21.2M + 17.8M + 14.7M multiply-adds,
    over 50 million at the fourth (each conv alone is well under it)."""
    layers = [conv(1, 64), conv(64, 64), conv(64, 64), conv(64, 64), *HEAD[1:], dense(64 * 400)]
    macs = 64 * 9 * 26**2 + 64 * 64 * 9 * (24**2 + 22**2 + 20**2)
    with pytest.raises(ValueError) as raised:
        build_from_spec({"layers": layers})
    assert str(raised.value).startswith(
        f"Conv2D 'conv4' brings the model to {macs:,} multiply-adds per sample; "
        "the limit is 50,000,000: use fewer channels or layers"
    )


def test_a_wide_conv_is_refused_before_its_maps_are_computed() -> None:
    """4,096 maps of 28×28: 3.2 million numbers per sample (a worker training it reached 5.9 GB)."""
    with pytest.raises(ValueError, match="outputs 3,211,264 numbers per sample"):
        build_from_spec({"layers": [conv(1, 4096, padding=1), *HEAD, dense(4096)]})


# -- a training job -----------------------------------------------------------------------------
@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """200 training digits, 20 of each label (tests/tiny_mnist.py)."""
    return make_tiny_mnist(tmp_path / "data", train=200)


def test_a_train_size_the_data_cannot_serve_is_refused_with_the_available_count(
    data_dir: Path,
) -> None:
    """Labels 0, 1, 2: 60 digits, 6 held out for validation, 54 to train on."""
    check_training(TrainConfig(classes=[0, 1, 2], train_size=54), data_dir)
    with pytest.raises(ConfigError, match="train_size 55 is larger than the 54 training samples"):
        check_training(TrainConfig(classes=[0, 1, 2], train_size=55), data_dir)


def test_the_label_counts_are_read_again_when_the_file_changes(data_dir: Path) -> None:
    labels = data_dir / "mnist" / "train-labels-idx1-ubyte.gz"
    config = TrainConfig(classes=[0, 1], train_size=36)  # 40 digits, 4 held out
    check_training(config, data_dir)
    write_idx(labels, np.repeat(np.arange(10, dtype=np.uint8), 2))  # 2 of each label
    with pytest.raises(ConfigError, match="larger than the 4 training samples available"):
        check_training(config, data_dir)


def test_a_job_without_its_data_is_left_to_the_job_manager(tmp_path: Path) -> None:
    """No dataset on disk: the size checks that need it wait (starting the job answers 409)."""
    check_training(TrainConfig(train_size=60_000, epochs=1), tmp_path)


def test_the_model_of_a_job_obeys_the_model_limits(data_dir: Path) -> None:
    spec = {"layers": [conv(1, 4096, padding=1), *HEAD, dense(4096)]}
    with pytest.raises(ValueError, match="outputs 3,211,264 numbers per sample"):
        check_training(TrainConfig(spec=spec), data_dir)
