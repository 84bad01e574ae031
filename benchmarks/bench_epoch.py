"""One training epoch of LeNet-5 on the 10,000 shared MNIST digits, ours against torch 2.13 CPU.

    CNNVIZ_DATA_DIR=../shared/data python benchmarks/bench_epoch.py

Ours is the real thing: `cnnviz.train.Trainer` (shuffling, batching, Adam, events), batch 64, no
validation split. Torch runs the same batches through the same architecture with Adam. A third
row is our epoch with the affine augmentation the bundled lenet5-mnist model was trained with.
"""

import argparse
import os
from pathlib import Path

import numpy as np
import torch
from torch import nn as tnn

from bench_engine import torch_twin
from cnnviz.data import load_split
from cnnviz.data.augment import Augmentation
from cnnviz.nn import build_model
from cnnviz.train import TrainConfig, Trainer
from timing import pin_malloc_thresholds, report, time_in_turns

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    pin_malloc_thresholds()
    data_dir = os.environ.get("CNNVIZ_DATA_DIR", str(ROOT.parent / "shared" / "data"))
    images, labels = load_split("mnist", "train", root=data_dir)
    print(
        f"{len(labels):,} training digits from {data_dir}; torch {torch.get_num_threads()} threads"
    )

    def config(augmentation=None) -> TrainConfig:
        return TrainConfig(
            model="lenet5", epochs=1, batch_size=64, lr=1e-3, validation_size=0,
            augmentation=augmentation,
        )  # fmt: skip

    def ours(augmentation=None):
        Trainer(config(augmentation), images, labels).run(lambda event: None)

    twin = torch_twin(build_model("lenet5"))
    x = torch.from_numpy(images.astype(np.float32)[:, None] / 255)
    y = torch.from_numpy(labels.astype(np.int64))
    optimizer = torch.optim.Adam(twin.parameters(), lr=1e-3)

    def theirs():
        order = torch.randperm(len(y))
        for start in range(0, len(y), 64):
            batch = order[start : start + 64]
            optimizer.zero_grad(set_to_none=True)
            tnn.functional.cross_entropy(twin(x[batch]), y[batch]).backward()
            optimizer.step()

    results = time_in_turns(
        {
            "ours": ours,
            "torch": theirs,
            "ours+aug": lambda: ours(
                Augmentation(shift=2.5, rotation=12, scale=(0.88, 1.12), shear=12)
            ),
        },
        rounds=args.rounds,
        calls=1,
    )
    report("One LeNet-5 epoch, 10,000 digits, batch 64, Adam", results, "torch")


if __name__ == "__main__":
    main()
