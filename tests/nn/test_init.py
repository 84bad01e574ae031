"""Initializers against torch.nn.init: the same fans, the same spread."""

import math

import numpy as np
import pytest
import torch

from cnnviz.nn.init import INITIALIZERS, as_generator, fans, initialize

pytestmark = pytest.mark.parity

# conv (out, in, kH, kW) with square and non-square kernels, 1x1, 3-D conv, dense (out, in)
FAN_SHAPES = [(8, 1, 5, 5), (16, 8, 3, 3), (4, 2, 3, 7), (64, 32, 1, 1), (5, 3, 2, 2, 2)]
FAN_SHAPES += [(10, 784), (128, 64), (1, 1)]

# Large shapes with fan_in != fan_out, so a swapped fan would change the spread.
BIG_SHAPES = [(64, 512, 3, 3), (300, 1200)]

# our name -> (torch initializer, its keyword arguments, normal or uniform)
TORCH_INIT = {
    "he_normal": (torch.nn.init.kaiming_normal_, {"nonlinearity": "relu"}, "normal"),
    "he_uniform": (torch.nn.init.kaiming_uniform_, {"nonlinearity": "relu"}, "uniform"),
    "xavier_normal": (torch.nn.init.xavier_normal_, {}, "normal"),
    "xavier_uniform": (torch.nn.init.xavier_uniform_, {}, "uniform"),
}


def torch_std(name, shape):
    """The standard deviation torch.nn.init documents for `name`, from torch's own fans/gain."""
    fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    if name.startswith("he"):
        return torch.nn.init.calculate_gain("relu") / math.sqrt(fan_in)
    return torch.nn.init.calculate_gain("linear") * math.sqrt(2.0 / (fan_in + fan_out))


@pytest.mark.parametrize("shape", FAN_SHAPES)
def test_fans_match_torch(shape):
    assert fans(shape) == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))


def test_fans_need_two_dimensions():
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        fans((10,))
    with pytest.raises(ValueError):  # torch refuses too
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(10))


@pytest.mark.parametrize("shape", BIG_SHAPES)
@pytest.mark.parametrize("name", list(TORCH_INIT))
def test_spread_matches_torch(name, shape):
    init_, kwargs, kind = TORCH_INIT[name]
    torch.manual_seed(0)
    reference = init_(torch.empty(shape, dtype=torch.float64), **kwargs).numpy()
    w = initialize(name, shape, np.random.default_rng(0), dtype=np.float64)
    std = torch_std(name, shape)

    assert w.shape == shape
    assert abs(w.mean()) < 0.02 * std
    assert w.std() == pytest.approx(std, rel=0.02)
    assert w.std() == pytest.approx(reference.std(), rel=0.03)
    if kind == "uniform":
        bound = math.sqrt(3.0) * std  # a uniform on [-b, b] has std b / sqrt(3)
        assert np.abs(w).max() <= bound
        assert np.abs(w).max() > 0.999 * bound
        assert np.abs(reference).max() <= bound
        assert w.min() == pytest.approx(reference.min(), rel=0.01)
        assert w.max() == pytest.approx(reference.max(), rel=0.01)
    else:
        # a normal: about 4.6% of draws beyond 2 sigma, and some beyond 4 sigma on this many
        beyond = np.mean(np.abs(w) > 2 * std)
        assert beyond == pytest.approx(np.mean(np.abs(reference) > 2 * std), abs=0.005)
        assert beyond == pytest.approx(math.erfc(2 / math.sqrt(2)), abs=0.005)


@pytest.mark.parametrize("std", [0.1, 0.01])
def test_simple_is_a_fixed_sigma_normal(std):
    shape = (64, 512, 3, 3)
    w = initialize("simple", shape, np.random.default_rng(3), dtype=np.float64, std=std)
    torch.manual_seed(3)
    reference = torch.nn.init.normal_(torch.empty(shape, dtype=torch.float64), std=std).numpy()
    assert w.std() == pytest.approx(std, rel=0.02)
    assert w.std() == pytest.approx(reference.std(), rel=0.03)
    assert abs(w.mean()) < 0.02 * std


@pytest.mark.parametrize("name", INITIALIZERS)
def test_seeded(name):
    shape = (6, 3, 5, 5)
    a = initialize(name, shape, np.random.default_rng(42))
    b = initialize(name, shape, np.random.default_rng(42))
    c = initialize(name, shape, np.random.default_rng(43))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("name", INITIALIZERS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_honoured(name, dtype):
    assert initialize(name, (4, 3), np.random.default_rng(0), dtype=dtype).dtype == dtype


@pytest.mark.parametrize("name", INITIALIZERS)
def test_float32_by_default(name):
    assert initialize(name, (4, 3), np.random.default_rng(0)).dtype == np.float32


def test_unknown_name_lists_the_choices():
    with pytest.raises(ValueError, match="unknown initializer 'lecun'") as info:
        initialize("lecun", (4, 3), np.random.default_rng(0))
    for name in INITIALIZERS:
        assert name in str(info.value)
    assert set(TORCH_INIT) < set(INITIALIZERS)


def test_as_generator():
    rng = np.random.default_rng(5)
    assert as_generator(rng) is rng
    assert as_generator(7).random() == np.random.default_rng(7).random()
    # no seed still means reproducible: seed 0
    assert as_generator(None).random() == as_generator(None).random()
    assert as_generator(None).random() == np.random.default_rng(0).random()
