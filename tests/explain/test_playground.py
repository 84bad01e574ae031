"""The convolution playground (`cnnviz.explain.playground`) against torch: the output of any
kernel up to 7×7, the formula's arithmetic, every window, and the resized input."""

import numpy as np
import pytest
import torch
from tests.explain.references import GEOMETRIES, taps_of, torch_conv, torch_taps

from cnnviz.explain import playground
from cnnviz.explain.kernels import KERNEL_NAMES, named_kernel
from cnnviz.nn.geometry import ConvGeometry

pytestmark = pytest.mark.parity


@pytest.mark.parametrize("kernel", [*KERNEL_NAMES, "custom"])
@pytest.mark.parametrize("config", GEOMETRIES[:1] + GEOMETRIES[2:], ids=str)
@pytest.mark.parametrize("flip", [False, True])
def test_apply_kernel_equals_torch(kernel, config, flip) -> None:
    rng = np.random.default_rng(4)
    image = rng.random((13, 11))
    if kernel == "custom":
        values = rng.standard_normal(ConvGeometry.make(**config).kernel)
    else:
        values = named_kernel(kernel)
        config = {**config, "kernel_size": 3}
    geometry = ConvGeometry.make(**config)
    out, formula, windows = playground.apply_kernel(image, values, geometry, flip)
    applied = values[::-1, ::-1].copy() if flip else values
    expected = torch_conv(
        torch.tensor(image[None, None]), torch.tensor(applied[None, None]), None, geometry
    )[0, 0].numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(taps_of(windows, image.shape), torch_taps(geometry, image.shape))
    for axis, size in zip(("rows", "cols"), out.shape, strict=True):
        assert formula[axis]["output"] == size
        assert formula[axis]["text"].endswith(f"= {size}")
        left = formula[axis]["text"].split(" = ")[0]
        text = left.replace("/", "//").replace("⌊", "(").replace("⌋", ")")
        assert eval(text.replace("·", "*").replace("−", "-")) == size  # the formula's arithmetic


@pytest.mark.parametrize(
    ("shape", "config"),
    [
        ((5, 5), dict(kernel_size=5, padding="same")),
        ((7, 7), dict(kernel_size=7, stride=2, padding=3)),
        ((3, 5), dict(kernel_size=(3, 5), stride=2, dilation=(1, 2), padding=1)),
        ((1, 7), dict(kernel_size=(1, 7), padding="full")),
    ],
)
def test_kernels_up_to_7x7_equal_torch(shape, config) -> None:
    rng = np.random.default_rng(11)
    image, values = rng.random((20, 17)), rng.standard_normal(shape)
    geometry = ConvGeometry.make(**config)
    out, formula, _ = playground.apply_kernel(image, values, geometry, False)
    expected = torch_conv(
        torch.tensor(image[None, None]), torch.tensor(values[None, None]), None, geometry
    )[0, 0].numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    assert [formula["rows"]["kernel"], formula["cols"]["kernel"]] == list(shape)


def test_formula_terms_and_a_kernel_too_large() -> None:
    geometry = ConvGeometry.make(3, padding=1)
    _, formula, _ = playground.apply_kernel(np.zeros((28, 28)), np.ones((3, 3)), geometry, False)
    assert formula["rows"] == {
        "size": 28, "kernel": 3, "stride": 1, "dilation": 1, "padding": [1, 1], "span": 3,
        "output": 28, "text": "⌊(28 + 2·1 − 1·(3 − 1) − 1) / 1⌋ + 1 = 28",
    }  # fmt: skip
    same = ConvGeometry.make(4, padding="same")
    cols = playground.apply_kernel(np.zeros((5, 5)), np.ones((4, 4)), same, False)[1]["cols"]
    assert cols["text"] == "⌊(5 + 1 + 2 − 1·(4 − 1) − 1) / 1⌋ + 1 = 5"
    assert cols["padding"] == [1, 2]
    with pytest.raises(ValueError, match="does not fit the 4×4 image"):
        playground.apply_kernel(np.zeros((4, 4)), np.ones((5, 5)), ConvGeometry.make(5), False)


def test_resized_is_the_area_mean() -> None:
    image = np.arange(28 * 28, dtype=np.float64).reshape(28, 28) / 784
    small = playground.resized(image, 14)
    expected = image.reshape(14, 2, 14, 2).mean(axis=(1, 3))  # each 2×2 block's mean
    np.testing.assert_allclose(small, expected, rtol=1e-6)
    assert playground.resized(image, 7).shape == (7, 7)
    assert playground.resized(image, 28) is image
