"""The engine against torch 2.13 CPU, in one process: python benchmarks/bench_engine.py

1. LeNet-5 training step: forward, softmax cross-entropy, backward; batch 64, float32.
   Neither side computes a gradient for the input images (torch: the input does not require
   grad; ours: backward(..., input_grad=False)).
2. One 28×28 image forward through LeNet-5 (what the drawing pad does on every stroke).
3. One image traced (every layer's output kept) plus backward to the input (the saliency view).
"""

import argparse

import numpy as np
import torch
from torch import nn as tnn

from cnnviz.nn import build_model
from cnnviz.nn.losses import softmax_cross_entropy
from timing import pin_malloc_thresholds, report, time_in_turns


def torch_twin(model) -> tnn.Sequential:
    """The torch LeNet-5 with our preset's weights copied in."""
    twin = tnn.Sequential(
        tnn.Conv2d(1, 6, 5, padding=2), tnn.ReLU(), tnn.MaxPool2d(2),
        tnn.Conv2d(6, 16, 5), tnn.ReLU(), tnn.MaxPool2d(2), tnn.Flatten(),
        tnn.Linear(400, 120), tnn.ReLU(), tnn.Linear(120, 84), tnn.ReLU(), tnn.Linear(84, 10),
    )  # fmt: skip
    ours = [layer for layer in model if layer.params]
    theirs = [m for m in twin if isinstance(m, tnn.Conv2d | tnn.Linear)]
    with torch.no_grad():
        for a, b in zip(ours, theirs, strict=True):
            b.weight.copy_(torch.from_numpy(a.params["weight"]))
            b.bias.copy_(torch.from_numpy(a.params["bias"]))
    return twin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--calls", type=int, default=15)
    parser.add_argument(
        "--default-malloc",
        action="store_true",
        help="leave glibc's mmap/trim thresholds alone (see timing.pin_malloc_thresholds)",
    )
    args = parser.parse_args()
    pinned = not args.default_malloc and pin_malloc_thresholds()

    rng = np.random.default_rng(0)
    model = build_model("lenet5", seed=0)
    twin = torch_twin(model)
    x = rng.random((64, 1, 28, 28), dtype=np.float32)
    labels = rng.integers(0, 10, 64)
    xt, labels_t = torch.from_numpy(x), torch.from_numpy(labels)
    image = x[:1].copy()
    image_t = torch.from_numpy(image)
    print(
        f"numpy {np.__version__}, torch {torch.__version__} ({torch.get_num_threads()} threads), "
        f"malloc thresholds {'pinned' if pinned else 'default'}"
    )

    def ours_step():
        _, dlogits = softmax_cross_entropy(model.forward(x), labels)
        model.backward(dlogits, input_grad=False)

    def torch_step():
        twin.zero_grad(set_to_none=True)
        tnn.functional.cross_entropy(twin(xt), labels_t).backward()

    report(
        "LeNet-5 training step (batch 64, float32, forward + loss + backward)",
        time_in_turns({"ours": ours_step, "torch": torch_step}, args.rounds, args.calls),
        "torch",
    )

    def torch_forward():
        with torch.no_grad():
            twin(image_t)

    report(
        "One image forward (1×1×28×28)",
        time_in_turns(
            {"ours": lambda: model.forward(image), "torch": torch_forward},
            args.rounds,
            args.calls * 10,
        ),
        "torch",
    )

    def ours_trace_backward():
        records = model.trace(image)
        logits = records[-1].output
        dlogits = np.zeros_like(logits)
        dlogits[0, logits[0].argmax()] = 1.0
        return model.backward(dlogits)

    def torch_trace_backward():
        h = image_t.clone().requires_grad_(True)
        outputs = []
        for module in twin:
            outputs.append(module(outputs[-1] if outputs else h))
        logits = outputs[-1]
        logits[0, logits[0].argmax()].backward()
        return h.grad

    report(
        "One image trace (every layer's output kept) + backward to the input",
        time_in_turns(
            {"ours": ours_trace_backward, "torch": torch_trace_backward},
            args.rounds,
            args.calls * 10,
        ),
        "torch",
    )


if __name__ == "__main__":
    main()
