"""Training augmentation: random affine warps and elastic distortion of 28×28 digit batches.

Every image gets its own random transform, yet the batch is warped in one go: one sampling grid
per image (affine, then elastic) and one bilinear gather for the whole batch, no Python loop over
images. 64 digits take well under 2 ms.

Geometry. x is the column, y the row (y points down, as on screen); pixel centres sit at integer
coordinates and the transforms turn about the image centre c = ((W - 1) / 2, (H - 1) / 2), the
middle between the two central pixels of an even-sized image. With that centre a quarter turn maps
the pixel grid onto itself, so a 90° rotation equals `np.rot90` exactly. (It is torch's
`align_corners=True` convention.) The forward map moves content from p to

    T (p - c) + c + t,    T = R(rotation) · Shear(shear) · scale,

where R(θ) = [[cos θ, sin θ], [-sin θ, cos θ]] turns the image counter-clockwise as displayed for
θ > 0 (with y pointing down), Shear(φ) = [[1, tan φ], [0, 1]] slants rows sideways (x += tan φ · y)
and t is the shift in pixels (t = (1, 0) moves the content one pixel to the right). Output pixels
are sampled from the input at the inverse map's point, by bilinear interpolation, reading zeros
outside the image (torch's `grid_sample(..., padding_mode="zeros")`).

Elastic distortion (Simard, Steinkraus & Platt, 2003) displaces every output pixel's sampling point
by a smooth random field d(p). Simard draws a uniform random field per pixel and smooths it with a
Gaussian of width sigma; we draw uniform values in [-1, 1] on a coarse grid of nodes spaced about
`elastic_sigma` pixels apart (4×4 nodes for the default 9 px on 28×28) and upsample them bilinearly
to every pixel. That gives the same kind of smooth, local wobble at a fraction of the cost (no
convolution, two small matrix products). `elastic_alpha` is the largest displacement at a node in
pixels (Simard's alpha, 34 with sigma 4, scales a field that the smoothing shrinks ~15-fold, so
alphas of 1-3 here match his distortions). Elastic comes after the affine part: the image is first
turned, scaled, sheared and shifted, then wobbled.
"""

import threading
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from ..nn.workspace import Workspace

__all__ = [
    "Augmentation",
    "affine_matrices",
    "bilinear_sample",
    "none",
    "sampling_grid",
    "warp",
]


def _cos_sin_deg(degrees: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """cos and sin of angles in degrees, exact (0, ±1) at multiples of 90°."""
    radians = np.deg2rad(degrees)
    cos, sin = np.cos(radians), np.sin(radians)
    quarter = np.remainder(degrees, 90.0) == 0
    return np.where(quarter, np.round(cos), cos), np.where(quarter, np.round(sin), sin)


def affine_matrices(rotation: np.ndarray, scale: np.ndarray, shear: np.ndarray) -> np.ndarray:
    """Forward linear maps T = R(rotation) · Shear(shear) · scale, angles in degrees.

    Parameters
    ----------
    rotation, scale, shear : ndarray, shape (N,)

    Returns
    -------
    T : ndarray, shape (N, 2, 2), float64, acting on (x, y) column vectors.
    """
    cos, sin = _cos_sin_deg(np.asarray(rotation, np.float64))
    shear_rad = np.deg2rad(np.asarray(shear, np.float64))
    tan = np.where(np.remainder(shear, 180.0) == 0, 0.0, np.tan(shear_rad))
    s = np.asarray(scale, np.float64)
    # R · [[1, tan], [0, 1]] · s
    return (
        np.stack([np.stack([cos, cos * tan + sin], -1), np.stack([-sin, -sin * tan + cos], -1)], -2)
        * s[:, None, None]
    )


def _upsample_matrix(nodes: int, size: int) -> np.ndarray:
    """(size, nodes) bilinear interpolation weights; node k sits at pixel k (size-1) / (nodes-1)."""
    position = np.arange(size) * ((nodes - 1) / max(size - 1, 1))
    left = np.minimum(np.floor(position).astype(int), nodes - 2)
    frac = position - left
    weights = np.zeros((size, nodes))
    weights[np.arange(size), left] = 1 - frac
    weights[np.arange(size), left + 1] = frac
    return weights


def sampling_grid(
    matrices: np.ndarray,
    translations: np.ndarray,
    shape: tuple[int, int],
    displacement: np.ndarray | None = None,
    workspace: Workspace | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Where each output pixel reads the input: src = c + T⁻¹ (p + d(p) - c - t).

    Parameters
    ----------
    matrices : ndarray, shape (N, 2, 2)
        Forward linear maps T on (x, y) (see the module docstring).
    translations : ndarray, shape (N, 2)
        Shifts t = (tx, ty) in pixels.
    shape : (H, W)
    displacement : ndarray, shape (N, 2, H, W), optional
        Elastic displacement (dx, dy) of each output pixel's sampling point, in pixels.
    workspace : Workspace, optional
        Where the result lives (reused by the next call); fresh arrays without one.

    Returns
    -------
    src_x, src_y : ndarray, shape (N, H, W), float32
        Input column and row to sample for every output pixel.
    """
    H, W = shape
    T = np.asarray(matrices, np.float64)
    N = len(T)
    det = T[:, 0, 0] * T[:, 1, 1] - T[:, 0, 1] * T[:, 1, 0]
    if not np.all(np.abs(det) > 1e-12):
        raise ValueError("every affine matrix must be invertible (scale > 0, |shear| < 90°)")
    # Inverse of [[a, b], [c, d]] is [[d, -b], [-c, a]] / det.
    inv = np.stack([T[:, 1, 1], -T[:, 0, 1], -T[:, 1, 0], T[:, 0, 0]], -1) / det[:, None]
    cx, cy = (W - 1) / 2, (H - 1) / 2
    t = np.asarray(translations, np.float64)
    # src = c + inv @ (p - c - t) = inv @ p + (c - inv @ (c + t)): a per-image constant term.
    ox, oy = cx + t[:, 0], cy + t[:, 1]
    const_x = cx - (inv[:, 0] * ox + inv[:, 1] * oy)
    const_y = cy - (inv[:, 2] * ox + inv[:, 3] * oy)
    f32 = np.float32
    a, b, c, d = (inv[:, k, None, None].astype(f32) for k in range(4))
    const_x = const_x[:, None, None].astype(f32)
    const_y = const_y[:, None, None].astype(f32)
    xs = np.arange(W, dtype=f32)[None, None, :]
    ys = np.arange(H, dtype=f32)[None, :, None]
    ws = workspace or Workspace()
    src_x = ws.empty("src_x", (N, H, W), np.dtype(f32))
    src_y = ws.empty("src_y", (N, H, W), np.dtype(f32))
    if displacement is None:
        # Two small broadcasts, (N, 1, W) and (N, H, 1), then one full-size sum for each axis.
        np.add(a * xs + const_x, b * ys, out=src_x)
        np.add(c * xs + const_y, d * ys, out=src_y)
        return src_x, src_y
    disp = np.asarray(displacement, f32)
    px = np.add(xs, disp[:, 0], out=ws.empty("px", (N, H, W), np.dtype(f32)))
    py = np.add(ys, disp[:, 1], out=ws.empty("py", (N, H, W), np.dtype(f32)))
    np.multiply(a, px, out=src_x)
    src_x += const_x
    np.multiply(c, px, out=src_y)
    src_y += const_y
    py_b = np.multiply(b, py, out=px)
    src_x += py_b
    py_d = np.multiply(d, py, out=px)
    src_y += py_d
    return src_x, src_y


def bilinear_sample(
    images: np.ndarray,
    src_x: np.ndarray,
    src_y: np.ndarray,
    workspace: Workspace | None = None,
) -> np.ndarray:
    """Sample every image at (src_x, src_y), bilinearly, with zeros outside the image.

    One gather for the whole batch: the images are padded with zeros (one pixel before, two
    after) and coordinates clipped to [-1, size], where a sample reads only padding, so the four
    corners of every sample lie at fixed offsets from one flat index.

    Parameters
    ----------
    images : ndarray, shape (N, H, W)
    src_x, src_y : ndarray, shape (N, H, W)
        Column and row to read for each output pixel (pixel centres at integers).
    workspace : Workspace, optional
        Scratch buffers to reuse between calls (the result is always a fresh array).

    Returns
    -------
    out : ndarray, shape (N, H, W), float32
    """
    N, H, W = images.shape
    Hp, Wp = H + 3, W + 3
    if N * Hp * Wp >= 2**31:
        raise ValueError(f"a batch of {N} images of {H}×{W} is too large to warp at once")
    ws = workspace or Workspace()
    f32, i32 = np.dtype(np.float32), np.dtype(np.int32)
    padded = ws.full("padded", (N, Hp, Wp), f32, 0.0)
    padded[:, 1 : H + 1, 1 : W + 1] = images
    fx = np.clip(src_x, -1, W, out=ws.empty("fx", (N, H, W), f32))
    fy = np.clip(src_y, -1, H, out=ws.empty("fy", (N, H, W), f32))
    x0 = np.floor(fx, out=ws.empty("x0", (N, H, W), f32))
    y0 = np.floor(fy, out=ws.empty("y0", (N, H, W), f32))
    fx -= x0
    fy -= y0
    # Flat index of each sample's top-left corner in the padded batch (float to int32 casts are
    # several times faster than to int64).
    index = ws.empty("index", (4, N, H, W), i32)
    base, x0i = index[0], index[1]
    base[...] = y0
    base *= Wp
    x0i[...] = x0
    base += x0i
    base += (np.arange(N, dtype=np.int32) * (Hp * Wp) + (Wp + 1))[:, None, None]
    np.add(base, 1, out=index[1])
    np.add(base, Wp, out=index[2])
    np.add(base, Wp + 1, out=index[3])
    corners = padded.reshape(-1).take(index, out=ws.empty("corners", (4, N, H, W), f32))
    v00, v01, v10, v11 = corners
    top = np.subtract(v01, v00, out=v01)
    top *= fx
    top += v00
    bottom = np.subtract(v11, v10, out=v11)
    bottom *= fx
    bottom += v10
    bottom -= top
    bottom *= fy
    return np.add(bottom, top, out=np.empty((N, H, W), f32))


_local = threading.local()


def _workspace() -> Workspace:
    """This thread's scratch buffers: warping in two threads at once never shares them."""
    ws = getattr(_local, "workspace", None)
    if ws is None:
        ws = _local.workspace = Workspace()
    return ws


def warp(
    images: np.ndarray,
    matrices: np.ndarray,
    translations: np.ndarray,
    displacement: np.ndarray | None = None,
) -> np.ndarray:
    """Warp each image by its own affine map (and elastic displacement): see `sampling_grid`.

    Output values are clipped to the range spanned by the input and the zero fill, so rounding
    never steps outside it. Returns a fresh (N, H, W) float32 array.
    """
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"images must be a batch (N, H, W), got shape {images.shape}")
    ws = _workspace()
    src_x, src_y = sampling_grid(matrices, translations, images.shape[1:], displacement, ws)
    out = bilinear_sample(images, src_x, src_y, ws)
    if images.size:
        low, high = min(float(images.min()), 0.0), max(float(images.max()), 0.0)
        np.clip(out, low, high, out=out)
    return out


@dataclass(frozen=True)
class Augmentation:
    """Random per-image affine warp plus optional elastic distortion, for training batches.

    Each parameter is drawn uniformly per image: the shift in [-shift, shift] pixels for x and y
    separately, the rotation in [-rotation, rotation] degrees, the isotropic scale in
    [scale[0], scale[1]], the shear in [-shear, shear] degrees. `elastic_alpha` > 0 adds an
    elastic distortion of at most that many pixels at the nodes of a coarse grid spaced about
    `elastic_sigma` pixels apart (see the module docstring). `Augmentation.off()` is the identity.
    """

    shift: float = 2.0
    rotation: float = 10.0
    scale: tuple[float, float] = (0.9, 1.1)
    shear: float = 10.0
    elastic_alpha: float = 0.0
    elastic_sigma: float = 9.0

    def __post_init__(self) -> None:
        problems = []
        for name in ("shift", "rotation", "shear", "elastic_alpha", "elastic_sigma"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.append(f"{name} must be a number, got {value!r}")
            elif not np.isfinite(value):
                problems.append(f"{name} must be finite, got {value!r}")
        try:
            low, high = (float(v) for v in self.scale)
        except (TypeError, ValueError):
            problems.append(f"scale must be a pair (low, high) of numbers, got {self.scale!r}")
            low = high = 1.0
        if problems:
            raise ValueError("; ".join(problems))
        object.__setattr__(self, "scale", (low, high))
        if self.shift < 0 or self.shift > 14:
            problems.append(f"shift must be between 0 and 14 pixels, got {self.shift}")
        if self.rotation < 0 or self.rotation > 180:
            problems.append(f"rotation must be between 0 and 180 degrees, got {self.rotation}")
        if not 0 < low <= high <= 4:
            problems.append(f"scale must satisfy 0 < low <= high <= 4, got ({low}, {high})")
        if self.shear < 0 or self.shear > 60:
            problems.append(f"shear must be between 0 and 60 degrees, got {self.shear}")
        if self.elastic_alpha < 0 or self.elastic_alpha > 14:
            problems.append(
                f"elastic_alpha must be between 0 and 14 pixels, got {self.elastic_alpha}"
            )
        if self.elastic_sigma < 1:
            problems.append(f"elastic_sigma must be at least 1 pixel, got {self.elastic_sigma}")
        if problems:
            raise ValueError("; ".join(problems))

    @classmethod
    def off(cls) -> "Augmentation":
        """The identity: every image comes back unchanged."""
        return cls(shift=0.0, rotation=0.0, scale=(1.0, 1.0), shear=0.0, elastic_alpha=0.0)

    @property
    def is_identity(self) -> bool:
        return (
            self.shift == 0
            and self.rotation == 0
            and self.scale == (1.0, 1.0)
            and self.shear == 0
            and self.elastic_alpha == 0
        )

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["scale"] = list(self.scale)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Augmentation":
        """Build from `to_dict()`'s output; unknown keys are an error that lists the known ones."""
        if not isinstance(data, dict):
            raise ValueError(f"augmentation must be an object of parameters, got {data!r}")
        known = [f.name for f in fields(cls)]
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ValueError(
                f"unknown augmentation parameter(s) {', '.join(unknown)}; known: {', '.join(known)}"
            )
        data = dict(data)
        if isinstance(data.get("scale"), list):
            data["scale"] = tuple(data["scale"])
        return cls(**data)

    def grid_nodes(self, size: int) -> int:
        """Coarse elastic grid nodes along an axis of `size` pixels (at least 2)."""
        return max(2, round((size - 1) / self.elastic_sigma) + 1)

    def sample(
        self, n: int, rng: np.random.Generator, shape: tuple[int, int] = (28, 28)
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Draw n random transforms: (matrices (n, 2, 2), translations (n, 2), displacement
        (n, 2, H, W) or None). `apply` is `warp` of these; the draws come in this order: rotation,
        scale, shear, shift, then the elastic nodes."""
        H, W = shape
        rotation = rng.uniform(-self.rotation, self.rotation, n)
        scale = rng.uniform(self.scale[0], self.scale[1], n)
        shear = rng.uniform(-self.shear, self.shear, n)
        translations = rng.uniform(-self.shift, self.shift, (n, 2))
        displacement = None
        if self.elastic_alpha > 0:
            gy, gx = self.grid_nodes(H), self.grid_nodes(W)
            nodes = rng.uniform(-self.elastic_alpha, self.elastic_alpha, (n, 2, gy, gx))
            up_y = _upsample_matrix(gy, H).astype(np.float32)
            up_x = _upsample_matrix(gx, W).astype(np.float32)
            displacement = up_y @ nodes.astype(np.float32) @ up_x.T
        return affine_matrices(rotation, scale, shear), translations, displacement

    def apply(self, images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Augment a batch.

        Parameters
        ----------
        images : ndarray, shape (N, H, W), float (float32 preferred)
        rng : np.random.Generator
            The source of every random draw: the same generator state gives the same output.

        Returns
        -------
        out : ndarray, shape (N, H, W), float32; a new array (the input is never changed).
        """
        images = np.asarray(images)
        if images.ndim != 3:
            raise ValueError(f"images must be a batch (N, H, W), got shape {images.shape}")
        if self.is_identity:
            return images.astype(np.float32, copy=True)
        return warp(images, *self.sample(len(images), rng, images.shape[1:]))


def none() -> Augmentation:
    """No augmentation: `Augmentation.off()`."""
    return Augmentation.off()
