"""The convolution playground in Chromium: a 5×5 kernel typed number by number, slid over the
drawing resized to 14×14 with stride and padding, shows torch's output size and torch's numbers;
a kernel that cannot slide says why without a failed request; and its link reproduces it."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)
from tests.browser.stepping import STEPPER, STEPPER_SHOWN, page_digit, traced

PLAYGROUND = f"{STEPPER} [data-playground]"
KERNEL = np.round(np.random.default_rng(5).uniform(-1, 1, (5, 5)), 2)


def applied_after(page, before: int) -> None:
    """Wait until the playground has shown more than `before` answers and the page is quiet."""
    page.wait_for_function(
        "([sel, n]) => Number(document.querySelector(sel).dataset.applied || 0) > n",
        arg=[PLAYGROUND, before],
    )
    page.wait_for_load_state("networkidle")


def shown_numbers(page) -> np.ndarray:
    """The output's numbers as the page prints them, in rows."""
    grid = page.locator(f"{PLAYGROUND} [data-pg-output-values]")
    columns = grid.evaluate("(g) => g.style.gridTemplateColumns.match(/repeat\\((\\d+)/)[1]")
    texts = grid.locator(".cell").all_inner_texts()
    return np.array([float(t.replace("\u2212", "-")) for t in texts]).reshape(-1, int(columns))


def reference(server, page, stride: int, padding: int) -> np.ndarray:
    """torch's conv2d of KERNEL over the digit the network sees, made 14×14 by averaging each
    2×2 block (what resizing 28 to 14 by area means)."""
    image = traced(server, "lenet5-mnist", page_digit(page))["input"][0].astype(np.float64)
    small = image.reshape(14, 2, 14, 2).mean(axis=(1, 3))
    x = torch.tensor(small[None, None])
    w = torch.tensor(KERNEL[None, None])
    return F.conv2d(x, w, stride=stride, padding=padding)[0, 0].numpy()


def test_a_typed_5x5_kernel_equals_torch(page, open_view, server, screenshot, sized_page):
    applies = []
    page.on("request", lambda r: applies.append(r) if r.url.endswith("/conv/apply") else None)
    view = open_view("stepper")
    page.wait_for_function(STEPPER_SHOWN)
    applied_after(page, 0)
    playground = view.locator("[data-playground]")
    playground.locator("[data-pg-size]").fill("14")
    playground.locator("[data-pg-rows]").fill("5")
    playground.locator("[data-pg-cols]").fill("5")
    playground.locator("[data-pg-stride]").fill("2")
    playground.locator("[data-pg-padding]").select_option("number")
    playground.locator("[data-pg-padnum]").fill("1")
    for (r, c), value in np.ndenumerate(KERNEL):
        playground.locator(f"[data-kernel-cell='{r},{c}']").fill(str(value))
    expected = reference(server, page, stride=2, padding=1)
    assert expected.shape == (6, 6)
    # the typed values are sent 200 ms after the last key: wait for the answer made with them
    typed = "5x5:" + ",".join(f"{v:g}" for v in KERNEL.flat)
    page.wait_for_function(
        "([sel, kernel]) => document.querySelector(sel).dataset.appliedKernel === kernel",
        arg=[PLAYGROUND, typed],
        timeout=10_000,
    )
    assert playground.locator("[data-pg-outsize]").inner_text() == "6×6"
    np.testing.assert_allclose(shown_numbers(page), expected, atol=0.5e-3 + 1e-9)
    formula = playground.locator("[data-playground-formula]").inner_text()
    assert formula == "out = ⌊(14 + 2·1 − 1·(5 − 1) − 1) / 2⌋ + 1 = 6"
    assert playground.locator("select[data-kernel]").input_value() == "custom"
    screenshot("playground-5x5")

    # The link keeps the kernel and the settings: a fresh browser shows the same numbers.
    link = page.url
    keys = page.evaluate("() => Object.fromEntries(new URLSearchParams(location.hash.slice(1)))")
    assert keys["playground"] == "14,2,1,1" and keys["kernel"].startswith("5x5:")
    other = sized_page()
    other.goto(link)
    other.wait_for_function(
        "(sel) => document.querySelector(sel)?.textContent === '6×6'",
        arg=f"{PLAYGROUND} [data-pg-outsize]",
    )
    np.testing.assert_allclose(shown_numbers(other), expected, atol=0.5e-3 + 1e-9)

    # A kernel larger than the padded input is explained, and no request fails.
    playground.locator("[data-pg-size]").fill("3")
    playground.locator("[data-pg-padding]").select_option("valid")
    message = playground.locator("[data-pg-error]")
    message.wait_for(state="visible")
    assert "does not fit the 3×3 image" in message.inner_text()
    page.wait_for_load_state("networkidle")
    failed = [r.url for r in applies if r.response() is None or r.response().status >= 400]
    assert not failed, failed
