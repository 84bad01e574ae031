"""Comparing the engine's arrays with a reference: torch, the naive loops, or a hand-made answer.

Tolerances by dtype, scaled by the reference's magnitude: float64 to 1e-10 and float32 to 1e-5 of
max(1, max |reference|), so absolute for small values and relative for large ones. Summation order
differs between the engine, torch and the loops (overlapping max-pool windows alone give ~2e-6 on
float32 values of ~5), so float32 cannot be held to one ulp. Every failure message names the case.

Torch-free on purpose: tensors are accepted through `.detach()`, so any test may use it.
"""

import numpy as np

TOLERANCE = {np.dtype(np.float64): 1e-10, np.dtype(np.float32): 1e-5}


def as_numpy(value) -> np.ndarray:
    """A NumPy array from an array or a torch tensor."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def assert_close(actual, expected, what: str, case, *, dtype=None, check_dtype=True) -> None:
    """`actual` matches `expected` within the tolerance of `dtype` (by default the reference's).

    `what` names the compared quantity ("dx"), `case` the configuration (printed with repr).
    """
    assert actual is not None, f"{what}: got None for {case!r}"
    actual, expected = as_numpy(actual), as_numpy(expected)
    assert actual.shape == expected.shape, (
        f"{what}: shape {actual.shape}, expected {expected.shape} for {case!r}"
    )
    if check_dtype:
        assert actual.dtype == expected.dtype, (
            f"{what}: dtype {actual.dtype}, expected {expected.dtype} for {case!r}"
        )
    tolerance = TOLERANCE[np.dtype(dtype or expected.dtype)]
    if expected.size == 0:
        return
    finite = np.isfinite(expected)
    assert np.array_equal(np.isfinite(actual), finite) and np.array_equal(
        actual[~finite], expected[~finite], equal_nan=True
    ), f"{what}: inf/nan where the reference has none, or elsewhere, for {case!r}"
    scale = max(1.0, float(np.max(np.abs(expected[finite]), initial=0.0)))
    with np.errstate(invalid="ignore"):  # inf - inf where both are inf: masked out below
        error = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
    error[~finite] = 0.0
    worst = np.unravel_index(np.argmax(error), error.shape)
    assert error[worst] <= tolerance * scale, (
        f"{what}: differs by {error[worst]:.3g} at {tuple(int(i) for i in worst)} "
        f"(allowed {tolerance:g} × {scale:.3g}; got {actual[worst]!r}, expected "
        f"{expected[worst]!r}) for {case!r}"
    )


def assert_equal(actual, expected, what: str, case) -> None:
    """`actual` equals `expected` exactly: shape, dtype and every element (NaN equals NaN)."""
    assert actual is not None, f"{what}: got None for {case!r}"
    actual, expected = as_numpy(actual), as_numpy(expected)
    assert actual.shape == expected.shape, (
        f"{what}: shape {actual.shape}, expected {expected.shape} for {case!r}"
    )
    assert actual.dtype == expected.dtype, (
        f"{what}: dtype {actual.dtype}, expected {expected.dtype} for {case!r}"
    )
    same = actual == expected
    if actual.dtype.kind == "f":
        same |= np.isnan(actual) & np.isnan(expected)
    differ = np.argwhere(~same)
    if differ.size:
        first = tuple(int(i) for i in differ[0])
        raise AssertionError(
            f"{what}: {len(differ)} of {actual.size} elements differ, first at {first} "
            f"(got {actual[first]!r}, expected {expected[first]!r}) for {case!r}"
        )
