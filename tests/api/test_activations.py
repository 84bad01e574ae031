"""`GET /api/activations/{name}`: f and f' sampled by the engine's layers equal torch's function
and its autograd derivative at the same x; the facts the notes state hold for the samples."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)
from fastapi.testclient import TestClient

TORCH = {
    "relu": lambda x, slope: torch.relu(x),
    "leakyrelu": lambda x, slope: F.leaky_relu(x, 0.01 if slope is None else slope),
    "sigmoid": lambda x, slope: torch.sigmoid(x),
    "tanh": lambda x, slope: torch.tanh(x),
}


@pytest.mark.parametrize(
    ("name", "slope", "points"),
    [
        ("relu", None, 241),
        ("leakyrelu", None, 241),
        ("leakyrelu", 0.2, 101),
        ("leakyrelu", 0.0, 7),
        ("sigmoid", None, 241),
        ("tanh", None, 1201),
    ],
)
def test_samples_equal_torch_autograd(
    client: TestClient, name: str, slope: float | None, points: int
) -> None:
    query = {"points": points, **({"slope": slope} if slope is not None else {})}
    answer = client.get(f"/api/activations/{name}", params=query).json()
    x = torch.tensor(np.linspace(-6, 6, points), dtype=torch.float64, requires_grad=True)
    y = TORCH[name](x, slope)
    y.sum().backward()
    np.testing.assert_allclose(answer["x"], x.detach().numpy(), rtol=0, atol=1e-15)
    np.testing.assert_allclose(answer["y"], y.detach().numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(answer["dy"], x.grad.numpy(), rtol=1e-12, atol=1e-15)
    assert answer["slope"] == (None if name != "leakyrelu" else 0.01 if slope is None else slope)


def test_sigmoid_peaks_at_a_quarter_and_vanishes_past_4_6(client: TestClient) -> None:
    answer = client.get("/api/activations/sigmoid").json()
    assert answer["derivative_max"] == 0.25
    assert answer["derivative_max_from"] == answer["derivative_max_to"] == 0.0

    def slope_at(x: float) -> float:
        s = 1 / (1 + math.exp(-x))
        return s * (1 - s)

    # On the 0.05 grid: σ'(4.55) = 0.0103 is still over 0.01, σ'(4.6) = 0.0099 is under.
    assert slope_at(4.55) > 0.01 > slope_at(4.6)
    stretches = [(s["start"], s["end"]) for s in answer["vanishing"]]
    assert stretches == [(-6.0, pytest.approx(-4.6)), (pytest.approx(4.6), 6.0)]
    assert answer["notes"][0] == "f' is largest at x = 0: 0.25"
    assert "for x ≥ 4.6: the gradient vanishes there" in answer["notes"][2]


def test_relu_and_leakyrelu_where_the_gradient_stops(client: TestClient) -> None:
    relu = client.get("/api/activations/relu").json()
    assert relu["vanishing"] == [{"start": -6.0, "end": 0.0}]
    assert relu["derivative_max_from"] == pytest.approx(0.05) and relu["derivative_max_to"] == 6
    assert "f' is 0 for x ≤ 0" in relu["notes"][1]
    leaky = client.get("/api/activations/leakyrelu").json()
    assert leaky["vanishing"] == []
    assert "never falls under 0.01" in leaky["notes"][1]


def test_the_list(client: TestClient) -> None:
    listed = client.get("/api/activations").json()
    assert [a["name"] for a in listed] == ["relu", "leakyrelu", "sigmoid", "tanh"]
    limits = {"default": 0.01, "min": 0.0, "max": 1.0}
    assert [a["slope_limits"] for a in listed] == [None, limits, None, None]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("relu?points=2", "points"),
        ("relu?points=1202", "points"),
        ("leakyrelu?slope=1.5", "slope"),
        ("leakyrelu?slope=-0.1", "slope"),
        ("leakyrelu?slope=nan", "slope"),
        ("swish", "name"),
    ],
)
def test_refusals_name_the_field(client: TestClient, query: str, field: str) -> None:
    response = client.get(f"/api/activations/{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field


def test_a_slope_for_another_activation_is_refused(client: TestClient) -> None:
    response = client.get("/api/activations/tanh?slope=0.1")
    assert response.status_code == 422
    assert response.json()["detail"] == "slope applies to leakyrelu only: leave it out for tanh"
