"""Training recipes: the course notebooks' set-ups, each a body for `POST /api/train`, so a lab,
the page's form (`recipe=<name>`) or `cnnviz train --recipe NAME` starts the notebook's run.

The set-ups follow the notebooks (network, optimizer, rates, batch size, "the first 1,000" and
"the first 100"), trimmed where needed so that each runs in under 40 s on one core. The shared
training file is a seeded 10,000-digit subset of MNIST's 60,000, so its first 1,000 are not the
notebooks' first 1,000; each note says what else differs.
"""

from dataclasses import dataclass, field
from typing import Any

__all__ = ["RECIPES", "Recipe"]


@dataclass(frozen=True)
class Recipe:
    name: str
    title: str
    notebook: str
    config: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "notebook": self.notebook,
            "config": dict(self.config),
            "note": self.note,
        }


def _conv(in_channels: int, out_channels: int, kernel: int, padding: int = 0) -> dict:
    return {
        "type": "Conv2D",
        "in_channels": in_channels,
        "out_channels": out_channels,
        "kernel_size": kernel,
        "padding": padding,
    }


def _dense(in_features: int, out_features: int, init: str = "he_normal") -> dict:
    return {"type": "Dense", "in_features": in_features, "out_features": out_features, "init": init}


_RELU, _FLATTEN, _POOL = (
    {"type": "ReLU"},
    {"type": "Flatten"},
    {"type": "MaxPool2D", "kernel_size": 2},
)

#: "Train on the first 1,000, test on the first 100", the notebooks' split.
_FIRST_1000 = {
    "train_subset": "first",
    "train_size": 1000,
    "validation_size": 0,
    "test_subset": "first",
    "test_size": 100,
}


def _sgd_convs_adagrad_dense(layers: list[dict], batch_size: int) -> dict:
    """Notebook 000's set-up around a network of `layers` whose last three Dense layers are fc1,
    fc2 and fc3: the convolutions learn with SGD at 0.01, the dense layers with AdaGrad at 0.01
    (a second parameter group), 10 epochs on the first 1,000 digits, tested on the first 100."""
    return {
        "spec": {"layers": layers, "input_shape": [1, 28, 28]},
        "optimizer": "sgd",
        "lr": 0.01,
        "param_groups": [
            {
                "layers": ["fc1", "fc2", "fc3"],
                "optimizer": "adagrad",
                "lr": 0.01,
                "optimizer_kwargs": {},
            }
        ],
        "batch_size": batch_size,
        "epochs": 10,
        **_FIRST_1000,
    }


RECIPES: dict[str, Recipe] = {
    recipe.name: recipe
    for recipe in (
        Recipe(
            "sigmoid-0-vs-1",
            "Two classes, one sigmoid output: 0 against 1",
            "001",
            {
                "model": "sigmoid01",
                "classes": [0, 1],
                "optimizer": "sgd",
                "lr": 0.005,
                "batch_size": 1,
                "epochs": 2,
                **_FIRST_1000,
                "validation_size": 100,
                "test_size": 200,
            },
            "Pixels moved to [-0.5, 0.5], 8 filters of 3×3, a 2×2 max-pool and one output read "
            "through a sigmoid, trained one digit at a time with binary cross-entropy on the first "
            "1,000 zeros and ones (validated on the 100 after them, tested on the first 200 test "
            "zeros and ones). The notebook's rate of 0.0001 suits its sum over a whole image; "
            "here the loss is a mean, hence 0.005.",
        ),
        Recipe(
            "conv-pool-softmax-first-1000",
            "Conv 3×3, max-pool 2, softmax on the first 1,000 digits",
            "002",
            {
                "model": "simple",
                "optimizer": "sgd",
                "lr": 0.01,
                "batch_size": 1,
                "epochs": 5,
                **_FIRST_1000,
            },
            "8 filters of 3×3, a 2×2 max-pool and a dense softmax layer, trained one digit at a "
            "time with plain SGD at 0.01 for 5 epochs on the first 1,000 training digits and "
            "tested on the first 100 test digits, as the notebook and its Keras comparison do.",
        ),
        Recipe(
            "scratch-classifier",
            "The scratch classifier: SGD for the convolution, AdaGrad for the dense layers",
            "000",
            _sgd_convs_adagrad_dense(
                [
                    _conv(1, 10, 3, padding=1),
                    _RELU,
                    _POOL,
                    _FLATTEN,
                    _dense(10 * 14 * 14, 400),
                    _RELU,
                    _dense(400, 200),
                    _RELU,
                    _dense(200, 10, init="simple"),
                ],
                batch_size=200,
            ),
            "10 filters of 3×3 (padding 1) learning with SGD, then dense layers of 400, 200 and "
            "10 learning with AdaGrad at 0.01, as two parameter groups; batches of 200 for 10 "
            "epochs on the first 1,000 digits, tested on the first 100. The notebook feeds the "
            "dense layers 784 inputs, which do not match its ten 28×28 maps; a 2×2 max-pool "
            "before them keeps the first dense layer small enough for a 40 s run.",
        ),
        Recipe(
            "lenet",
            "LeNet: SGD for the convolutions, AdaGrad for the dense layers",
            "000",
            _sgd_convs_adagrad_dense(
                [
                    _conv(1, 6, 5, padding=2),
                    _RELU,
                    _POOL,
                    _conv(6, 16, 5, padding=2),
                    _RELU,
                    _POOL,
                    _FLATTEN,
                    _dense(16 * 7 * 7, 120),
                    _RELU,
                    _dense(120, 84),
                    _RELU,
                    _dense(84, 10, init="simple"),
                ],
                batch_size=20,
            ),
            "The notebook's LeNet: two 5×5 convolutions (6 and 16 filters, padding 2) with "
            "max-pooling learning with SGD, dense layers of 120, 84 and 10 with AdaGrad at 0.01; "
            "batches of 20 for 10 epochs on the first 1,000 digits, tested on the first 100.",
        ),
        Recipe(
            "cnn32-64-64",
            "The 32-64-64 CNN with dropout, Adam and the best epoch kept",
            "004",
            {
                "model": "cnn32-64-64",
                "optimizer": "adam",
                "lr": 0.001,
                "batch_size": 150,
                "epochs": 4,
                "train_size": 2400,
                "validation_size": 600,
                "keep_best": True,
            },
            "Three 3×3 convolutions of 32, 64 and 64 filters, a dense layer of 64 with dropout "
            "0.5, Adam at 0.001 in batches of 150, keeping the epoch with the best validation "
            "accuracy as the notebook's checkpoint does; tested on every test digit. The "
            "notebook trains 5 epochs on all 60,000 digits; 4 epochs of 2,400 keep this run "
            "under 40 s.",
        ),
    )
}
