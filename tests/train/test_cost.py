"""What a model costs per sample and what a training job may cost, against counts made by hand
from the layer shapes; and the trainer (what the CLI runs) refusing a job over the budget before
its first step."""

import pytest
from tests.synthetic_digits import bars

from cnnviz.nn import build_model
from cnnviz.nn.sequential import Sequential
from cnnviz.train import ConfigError, TrainConfig, Trainer
from cnnviz.train.cost import check_job, layer_costs, multiply_adds

#: LeNet-5 by hand: conv1 6×(1·5·5) weights at 28×28 positions, conv2 16×(6·5·5) at 10×10,
#: then the dense layers' weights once each.
LENET5_MACS = 6 * 25 * 28 * 28 + 16 * 6 * 25 * 10 * 10 + 400 * 120 + 120 * 84 + 84 * 10
#: Its outputs per sample: conv1 and its ReLU, pool1, conv2 and its ReLU, pool2 and Flatten,
#: fc1 and its ReLU, fc2 and its ReLU, fc3.
LENET5_OUTPUTS = 2 * 6 * 28 * 28 + 6 * 14 * 14 + 2 * 16 * 10 * 10 + 2 * 400 + 2 * 120 + 2 * 84 + 10
#: Tiny VGG: four 3×3 convs of 10 filters at 26², 24², 10² and 8² positions, a 160 → 10 layer.
TINYVGG_MACS = 10 * 9 * 26 * 26 + 10 * 10 * 9 * (24 * 24 + 10 * 10 + 8 * 8) + 160 * 10


def test_per_sample_costs_match_the_hand_counts():
    lenet5 = build_model("lenet5")
    assert multiply_adds(lenet5) == LENET5_MACS  # 416,520
    assert sum(cost.outputs for cost in layer_costs(lenet5)) == LENET5_OUTPUTS  # 15,002
    assert multiply_adds(build_model("tinyvgg")) == TINYVGG_MACS  # 728,440
    conv1 = layer_costs(lenet5)[0]
    assert conv1.output_shape == (6, 28, 28)
    assert conv1.window_reads == 1 * 25 * 28 * 28


def test_the_bundled_training_runs_fit_the_budget():
    """scripts/train-pretrained: LeNet-5 for 30 epochs and simple for 60, each on 10,000 digits
    at batch 64; and LeNet-5 on all 60,000 MNIST training digits."""
    check_job(build_model("lenet5"), 10_000, 30, 64)
    check_job(build_model("simple"), 10_000, 60, 64)
    check_job(build_model("lenet5"), 60_000, 30, 512)


def test_a_job_over_the_budget_states_estimate_limit_and_what_fits():
    with pytest.raises(ConfigError) as raised:
        check_job(build_model("tinyvgg"), 9_000, 1_000, 64)
    (message,) = raised.value.problems
    total = 3 * TINYVGG_MACS * 9_000 * 1_000  # 1.97e13
    assert f"training needs about {total:.2e} multiply-adds" in message
    assert "the limit per job is 1e+13" in message
    assert f"at most {10**13 // (3 * TINYVGG_MACS * 9_000)} epochs" in message  # 508


def test_a_batch_over_the_activation_memory_says_which_batch_fits():
    """120 maps of 28×28 and their ReLU, a pool and Flatten: 235,210 float32 numbers per sample,
    940,840 bytes; 512 of them are 459 MiB."""
    spec = {
        "layers": [
            {
                "type": "Conv2D",
                "in_channels": 1,
                "out_channels": 120,
                "kernel_size": 3,
                "padding": 1,
            },
            {"type": "ReLU"},
            {"type": "MaxPool2D", "kernel_size": 2},
            {"type": "Flatten"},
            {"type": "Dense", "in_features": 120 * 14 * 14, "out_features": 10},
        ]
    }
    model = Sequential.from_spec(spec)
    per_sample = 4 * (2 * 120 * 28 * 28 + 2 * 120 * 14 * 14 + 10)  # conv, ReLU, pool, Flatten
    with pytest.raises(ConfigError) as raised:
        check_job(model, 100, 1, 512)
    (message,) = raised.value.problems
    assert f"a batch of 512 keeps {512 * per_sample / 2**20:.0f} MiB of layer outputs" in message
    assert f"lower batch_size to at most {256 * 2**20 // per_sample}" in message  # 285
    check_job(model, 100, 1, 256 * 2**20 // per_sample)


def test_the_trainer_refuses_a_job_over_the_budget_before_training():
    """What `cnnviz train --model tinyvgg --epochs 1000` on 9,000 digits meets."""
    images, labels = bars(9_000)
    config = TrainConfig(model="tinyvgg", epochs=1_000, validation_size=0)
    with pytest.raises(ConfigError, match=r"training needs about 1\.97e\+13 multiply-adds"):
        Trainer(config, images, labels)
    # 4,000 digits fit (8.7e12): 63 batches of 64 per epoch.
    assert Trainer(config, images[:4_000], labels[:4_000]).total_steps == 63 * 1_000
