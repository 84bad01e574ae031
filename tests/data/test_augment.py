"""Augmentation: exact on the cases with a known answer (identity, integer shifts, quarter turns),
torch's affine_grid + grid_sample as the independent reference for everything else."""

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)

from cnnviz.data.augment import Augmentation, affine_matrices, none, warp

pytestmark = pytest.mark.parity


def digits_like(n: int, shape=(28, 28), seed: int = 0) -> np.ndarray:
    """n float32 images in [0, 1] with a zero background, like drawn digits."""
    rng = np.random.default_rng(seed)
    images = rng.random((n, *shape), dtype=np.float32)
    images[:, :3] = 0
    images[:, :, -4:] = 0
    return images


def no_turn(n: int) -> np.ndarray:
    return affine_matrices(np.zeros(n), np.ones(n), np.zeros(n))


def shifted(image: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """np.roll by (dy, dx) with the wrapped-around rows and columns set to zero."""
    out = np.roll(image, (dy, dx), axis=(-2, -1))
    if dy > 0:
        out[..., :dy, :] = 0
    elif dy < 0:
        out[..., dy:, :] = 0
    if dx > 0:
        out[..., :, :dx] = 0
    elif dx < 0:
        out[..., :, dx:] = 0
    return out


# -- exact cases --------------------------------------------------------------------------------


def test_off_gives_the_input_back_exactly_as_a_fresh_float32_array():
    images = digits_like(5)
    for aug in (Augmentation.off(), none(), Augmentation(0, 0, (1, 1), 0)):
        out = aug.apply(images, np.random.default_rng(0))
        assert aug.is_identity
        assert out.dtype == np.float32 and out is not images
        np.testing.assert_array_equal(out, images)


def test_identity_parameters_through_the_full_warp_are_exact():
    images = digits_like(4)
    out = warp(images, no_turn(4), np.zeros((4, 2)), displacement=np.zeros((4, 2, 28, 28)))
    np.testing.assert_array_equal(out, images)


@pytest.mark.parametrize("dx, dy", [(1, 0), (0, 1), (-2, 3), (5, -4), (30, 0)])
def test_an_integer_shift_is_a_roll_with_zero_fill(dx, dy):
    """t = (dx, dy) moves the content dx pixels right and dy pixels down."""
    images = digits_like(3, seed=1)
    out = warp(images, no_turn(3), np.tile([dx, dy], (3, 1)).astype(float))
    np.testing.assert_array_equal(out, shifted(images, dx, dy))


@pytest.mark.parametrize("size", [28, 27])
@pytest.mark.parametrize("degrees, k", [(90, 1), (180, 2), (-90, -1), (270, 3)])
def test_a_quarter_turn_is_rot90(degrees, k, size):
    """Positive angles turn counter-clockwise as displayed (rows down), like np.rot90."""
    images = digits_like(3, (size, size), seed=2)
    n = len(images)
    T = affine_matrices(np.full(n, degrees), np.ones(n), np.zeros(n))
    out = warp(images, T, np.zeros((n, 2)))
    np.testing.assert_array_equal(out, np.rot90(images, k, axes=(1, 2)))


def test_a_quarter_turn_of_a_marked_pixel_goes_the_documented_way():
    image = np.zeros((1, 28, 28), np.float32)
    image[0, 13, 27] = 1.0  # right edge, middle row
    T = affine_matrices(np.array([90.0]), np.ones(1), np.zeros(1))
    out = warp(image, T, np.zeros((1, 2)))
    assert out[0, 0, 13] == 1.0 and out.sum() == 1.0  # counter-clockwise: right -> top


# -- torch as the reference ---------------------------------------------------------------------


def torch_warp(images, T, t, displacement=None) -> np.ndarray:
    """The same warp from torch's own sampler, in float64, the grid built independently.

    grid_sample with align_corners=True puts pixel centres at -1 ... 1, so normalized = (pixel -
    c) / c with c = (size - 1) / 2, and samples with zeros outside.
    """
    N, H, W = images.shape
    inverse = np.linalg.inv(T)
    cx, cy = (W - 1) / 2, (H - 1) / 2
    x = torch.from_numpy(images.astype(np.float64)[:, None])
    if displacement is None:
        D = np.diag([cx, cy])
        A = np.linalg.inv(D) @ inverse @ D  # maps normalized output to normalized input
        b = -np.einsum("ij,njk,nk->ni", np.linalg.inv(D), inverse, t)
        theta = torch.from_numpy(np.concatenate([A, b[:, :, None]], axis=2))
        grid = F.affine_grid(theta, [N, 1, H, W], align_corners=True)
    else:
        ys, xs = np.meshgrid(np.arange(H), np.arange(W), indexing="ij")
        p = np.stack([xs, ys], -1)[None] + np.moveaxis(displacement, 1, -1)  # (N, H, W, 2)
        centre = np.array([cx, cy])
        src = np.einsum("nij,nhwj->nhwi", inverse, p - centre - t[:, None, None, :]) + centre
        grid = torch.from_numpy((src - centre) / centre)
    out = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=True)
    return out[:, 0].numpy()


@pytest.mark.parametrize("shape", [(28, 28), (28, 20)])
def test_random_affine_matches_torch_grid_sample(shape):
    images = digits_like(16, shape, seed=3)
    aug = Augmentation(shift=4.0, rotation=40.0, scale=(0.7, 1.3), shear=20.0)
    T, t, displacement = aug.sample(16, np.random.default_rng(4), shape)
    assert displacement is None
    out = warp(images, T, t)
    np.testing.assert_allclose(out, torch_warp(images, T, t), rtol=0, atol=1e-5)


def test_affine_plus_elastic_matches_torch_grid_sample():
    images = digits_like(16, seed=5)
    aug = Augmentation(shift=2.0, rotation=15.0, scale=(0.9, 1.1), shear=10.0, elastic_alpha=3.0)
    T, t, displacement = aug.sample(16, np.random.default_rng(6))
    assert displacement.shape == (16, 2, 28, 28)
    out = warp(images, T, t, displacement)
    np.testing.assert_allclose(out, torch_warp(images, T, t, displacement), rtol=0, atol=1e-5)


# -- the random part ----------------------------------------------------------------------------


AUGMENTATIONS = [Augmentation(), Augmentation(elastic_alpha=2.0, elastic_sigma=4.5)]


@pytest.mark.parametrize("aug", AUGMENTATIONS, ids=["affine", "elastic"])
def test_apply_is_warp_of_sample_and_deterministic_for_a_seed(aug):
    images = digits_like(8, seed=7)
    first = aug.apply(images, np.random.default_rng(11))
    again = aug.apply(images, np.random.default_rng(11))
    other = aug.apply(images, np.random.default_rng(12))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert not np.array_equal(first, images)
    np.testing.assert_array_equal(first, warp(images, *aug.sample(8, np.random.default_rng(11))))
    # every image gets its own transform
    same = aug.apply(np.repeat(images[:1], 8, axis=0), np.random.default_rng(11))
    assert len({a.tobytes() for a in same}) == 8


@pytest.mark.parametrize("aug", AUGMENTATIONS, ids=["affine", "elastic"])
def test_output_is_float32_within_the_input_range(aug):
    images = digits_like(32, seed=8).astype(np.float64)
    out = aug.apply(images, np.random.default_rng(0))
    assert out.dtype == np.float32 and out.shape == images.shape
    assert out.min() >= images.min() and out.max() <= images.max()
    np.testing.assert_array_equal(images, digits_like(32, seed=8))  # input untouched


def test_elastic_field_is_smooth_and_bounded_by_alpha():
    aug = Augmentation.off()
    aug = Augmentation(**{**aug.to_dict(), "scale": (1, 1), "elastic_alpha": 2.5})
    assert aug.grid_nodes(28) == 4  # 9 px apart by default: nodes at 0, 9, 18, 27
    _, _, d = aug.sample(50, np.random.default_rng(0))
    assert np.abs(d).max() <= 2.5 + 1e-6 and np.abs(d).max() > 1.5
    # bilinear between nodes: neighbouring pixels differ by at most 2 alpha / spacing
    assert np.abs(np.diff(d, axis=-1)).max() <= 2 * 2.5 / 9 + 1e-5
    assert np.abs(np.diff(d, axis=-2)).max() <= 2 * 2.5 / 9 + 1e-5


def test_empty_batch_and_wrong_shape():
    out = Augmentation().apply(np.zeros((0, 28, 28), np.float32), np.random.default_rng(0))
    assert out.shape == (0, 28, 28) and out.dtype == np.float32
    with pytest.raises(ValueError, match=r"\(N, H, W\)"):
        Augmentation().apply(np.zeros((2, 1, 28, 28), np.float32), np.random.default_rng(0))


# -- parameters ---------------------------------------------------------------------------------


def test_parameters_round_trip_through_json():
    aug = Augmentation(shift=1.5, rotation=5, scale=(0.8, 1.2), shear=0, elastic_alpha=2)
    assert Augmentation.from_dict(json.loads(json.dumps(aug.to_dict()))) == aug


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"shift": -1}, "shift must be between 0 and 14"),
        ({"rotation": 200}, "rotation must be between 0 and 180"),
        ({"scale": (1.2, 0.9)}, r"scale must satisfy 0 < low <= high"),
        ({"scale": 1.0}, "scale must be a pair"),
        ({"shear": 80}, "shear must be between 0 and 60"),
        ({"elastic_alpha": -2}, "elastic_alpha must be between 0 and 14"),
        ({"elastic_sigma": 0.5}, "elastic_sigma must be at least 1"),
        ({"shift": "2"}, "shift must be a number"),
        ({"rotation": float("nan")}, "rotation must be finite"),
    ],
)
def test_invalid_parameters_say_what_to_fix(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Augmentation(**kwargs)


def test_from_dict_rejects_unknown_keys():
    with pytest.raises(ValueError, match=r"unknown augmentation parameter.*rotate.*known: shift"):
        Augmentation.from_dict({"rotate": 10})
