"""Named 3×3 kernels for the convolution playground: what a student tries before learned filters.

Each is written as it is applied by cross-correlation (the deep-learning "convolution", no flip),
so `sobel_x` answers positively where the image gets brighter to the right and `sobel_y` where it
gets brighter downwards. Flipping (true convolution) turns the gradient kernels' sign around and
leaves the symmetric ones (identity, edge, sharpen, the blurs) unchanged.
"""

import numpy as np

KERNELS: dict[str, tuple[str, list[list[float]]]] = {
    "identity": ("returns the image unchanged", [[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "edge": (
        "Laplacian-style outline: 8 × the centre minus its 8 neighbours, 0 on flat areas",
        [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    ),
    "sharpen": (
        "the centre boosted against its 4 neighbours",
        [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    ),
    "box_blur": ("the mean of the 3×3 neighbourhood", [[1 / 9] * 3] * 3),
    "gaussian_blur": (
        "a weighted mean, nearer pixels counting more (1 2 1 / 2 4 2 / 1 2 1, over 16)",
        [[1 / 16, 2 / 16, 1 / 16], [2 / 16, 4 / 16, 2 / 16], [1 / 16, 2 / 16, 1 / 16]],
    ),
    "sobel_x": (
        "horizontal gradient: bright to the right is positive",
        [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    ),
    "sobel_y": (
        "vertical gradient: bright below is positive",
        [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    ),
    "emboss": ("a relief lit from the top left", [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]),
}

KERNEL_NAMES = tuple(KERNELS)


def named_kernel(name: str) -> np.ndarray:
    """The (KH, KW) float64 kernel called `name`; ValueError listing the names otherwise."""
    if name not in KERNELS:
        raise ValueError(f"unknown kernel {name!r}; choose one of {', '.join(KERNEL_NAMES)}")
    return np.array(KERNELS[name][1], np.float64)


def named_kernels() -> list[dict]:
    """Every named kernel: its name, what it does and its values, in KERNEL_NAMES order."""
    return [
        {"name": name, "description": text, "values": named_kernel(name).tolist()}
        for name, (text, _) in KERNELS.items()
    ]
