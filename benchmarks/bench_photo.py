"""Image kernels on a whole photo: `POST /api/kernels/photo`'s filtering against torch's conv2d.

    python benchmarks/bench_photo.py            # 1024×1024 RGB, 3×3 and 7×7, 15 turns each

Times `explain.photo.filter_channels` (what the route runs once the photo is decoded and shrunk)
and torch's `F.conv2d` on the same edge-padded channels (one group per channel), taking turns, in
one process and one thread each; prints p50/p95 in ms and the ratio of the medians. Needs the
`parity` extra (torch).
"""

import argparse
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)

from cnnviz.explain.photo import filter_channels


def torch_filter(channels: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    kh, kw = kernel.shape
    top, left = (kh - 1) // 2, (kw - 1) // 2
    padded = F.pad(channels[None], (left, kw - 1 - left, top, kh - 1 - top), mode="replicate")
    weight = kernel.expand(channels.shape[0], 1, kh, kw)
    return F.conv2d(padded, weight, groups=channels.shape[0])[0]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--turns", type=int, default=15)
    args = parser.parse_args()
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (3, args.size, args.size)).astype(np.float32)
    channels = torch.from_numpy(image)
    for k in (3, 7):
        kernel = rng.standard_normal((k, k)).astype(np.float32)
        ours, theirs = [], []
        filter_channels(image, kernel)  # warm up both
        torch_filter(channels, torch.from_numpy(kernel))
        for _ in range(args.turns):
            started = time.perf_counter()
            filter_channels(image, kernel)
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            torch_filter(channels, torch.from_numpy(kernel))
            theirs.append(time.perf_counter() - started)
        ratio = statistics.median(ours) / statistics.median(theirs)
        print(
            f"{args.size}×{args.size}×3, {k}×{k}: ours p50 {percentile(ours, 50):.0f} ms "
            f"p95 {percentile(ours, 95):.0f} ms · torch p50 {percentile(theirs, 50):.0f} ms "
            f"p95 {percentile(theirs, 95):.0f} ms · ratio {ratio:.2f}x"
        )


if __name__ == "__main__":
    main()
