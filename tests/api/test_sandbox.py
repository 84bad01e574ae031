"""`POST /api/sandbox` through TestClient: the course's numbers (the 1-D and flipped 2-D
convolutions, the 6×6 max and average pools), torch's conv2d, max_pool2d and autograd on what
comes back as JSON, and every refusal a 422 that says what to fix."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)
from fastapi.testclient import TestClient

from cnnviz.explain.sandbox_examples import MAX_POOL_INPUT


def post(client: TestClient, **body):
    return client.post("/api/sandbox", json=body)


def course_example(client: TestClient, name: str) -> dict:
    """The request body of the course's example `name`, as GET /api/sandbox/examples gives it."""
    response = client.get("/api/sandbox/examples")
    assert response.status_code == 200, response.text
    return {example["name"]: example["request"] for example in response.json()}[name]


def detail(response) -> str:
    value = response.json()["detail"]
    return value if isinstance(value, str) else " ".join(item["msg"] for item in value)


def test_the_course_examples_are_listed_and_are_the_docs_examples(client: TestClient) -> None:
    """The page's example buttons and /docs show the same four bodies, each one the sandbox
    answers."""
    listed = client.get("/api/sandbox/examples").json()
    assert [example["name"] for example in listed] == ["conv1d", "conv2d", "maxpool", "avgpool"]
    assert all(example["title"] and example["note"] for example in listed)
    schema = client.get("/openapi.json").json()["components"]["schemas"]["SandboxRequest"]
    assert len(schema["examples"]) == len(listed)
    for shown, example in zip(schema["examples"], listed, strict=True):
        assert shown["op"] == example["request"]["op"]
        assert shown["input"] == example["request"]["input"]
        assert client.post("/api/sandbox", json=shown).status_code == 200


def test_the_notebooks_signal_convolution(client: TestClient) -> None:
    body = course_example(client, "conv1d")
    assert body["input"] == [[1, 3, 2, 4, 5, 6, 1, 3]] and body["kernel"] == [[1, 0, 3, 1, 2]]
    response = client.post("/api/sandbox", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["output"] == [[5, 14, 16, 26, 24, 34, 19, 22]]
    assert answer["dims"] == 1 and answer["output_size"] == [1, 8]
    assert answer["formulas"][0]["text"] == "⌊(8 + 2·2 − 1·(5 − 1) − 1) / 1⌋ + 1 = 8"
    assert answer["padded_mask"][0] == [True, True] + [False] * 8 + [True, True]
    # Output 3 reads padded columns 3..7 (input 1..5: 3 2 4 5 6) times the flipped kernel.
    assert answer["windows"]["cols"][3] == [3, 4, 5, 6, 7]
    assert answer["products"][0][3] == [[6, 2, 12, 0, 6]] and sum([6, 2, 12, 0, 6]) == 26


def test_the_notebooks_flipped_matrix_convolution_and_its_backward(client: TestClient) -> None:
    body = course_example(client, "conv2d")
    assert body["kernel"] == [[1, 0, 3], [1, 2, 1], [0, 1, 1]] and body["padding"] == 0
    grad = [[1, -2], [0.5, 3]]
    answer = post(client, **body, grad=grad).json()
    assert answer["output"] == [[25, 24], [28, 25]]
    x = torch.tensor(body["input"], dtype=torch.float64, requires_grad=True)
    w = torch.tensor(body["kernel"], dtype=torch.float64, requires_grad=True)
    out = F.conv2d(x[None, None], w.flip(0, 1)[None, None])[0, 0]
    out.backward(torch.tensor(grad, dtype=torch.float64))
    np.testing.assert_allclose(answer["grad_input"], x.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(answer["grad_kernel"], w.grad.numpy(), rtol=1e-12)
    assert answer["grad_given"] is True


def test_the_notebooks_max_pool_with_its_indices(client: TestClient) -> None:
    body = course_example(client, "maxpool")
    answer = client.post("/api/sandbox", json=body).json()
    out, indices = F.max_pool2d(
        torch.tensor(body["input"], dtype=torch.float64)[None, None], 2, return_indices=True
    )
    assert answer["output"] == out[0, 0].tolist() == [[6, 7, 5], [7, 7, 7], [8, 5, 7]]
    assert answer["indices"] == indices[0, 0].tolist() == [[7, 9, 4], [18, 20, 17], [25, 32, 34]]
    assert answer["winners"][0] == [[1, 1], [1, 3], [0, 4]]
    assert sum(map(sum, answer["grad_input"])) == 9  # all ones, each on one winner
    assert answer["geometry"]["stride"] == [2, 2]  # the pool size, when no stride is given


def test_the_notebooks_average_pool_and_its_backward(client: TestClient) -> None:
    body = course_example(client, "avgpool")
    answer = client.post("/api/sandbox", json=body).json()
    assert answer["output"] == [[3.25, 3, 2.5], [2.25, 2, 4.5], [2.25, 5.75, 2.75]]
    assert answer["grad"] == [[7, 6, 6], [8, 5, 8], [2, 0, 5]] and answer["grad_given"] is True
    x = torch.tensor(body["input"], dtype=torch.float64, requires_grad=True)
    F.avg_pool2d(x[None, None], 2)[0, 0].backward(torch.tensor(body["grad"], dtype=torch.float64))
    assert answer["grad_input"] == x.grad.tolist()
    assert answer["grad_input"][0][:2] == [1.75, 1.75]


def test_a_strided_dilated_signal_equals_torch_conv1d(client: TestClient) -> None:
    rng = np.random.default_rng(5)
    x, w = rng.integers(-5, 6, 15).astype(float), rng.integers(-3, 4, 3).astype(float)
    body = dict(input=[x.tolist()], kernel=[w.tolist()], stride=2, padding=1, dilation=2)
    answer = post(client, **body).json()
    expected = F.conv1d(
        torch.tensor(x)[None, None], torch.tensor(w)[None, None], stride=2, padding=1, dilation=2
    )
    assert answer["output"] == expected[0].tolist()
    assert answer["geometry"]["padding"] == [0, 0, 1, 1]  # the columns only


REFUSALS = [
    (
        dict(input=[[1, 2, 3]], kernel=[[1, 0, 3, 1, 2]]),
        "the kernel (5 wide) is wider than the padded input (3)",
    ),
    (
        dict(input=[[1, 2, 3, 4]], kernel=[[1, 2]], grad=[[1, 1]]),
        "the upstream gradient must have the output's shape, 3 numbers in one row",
    ),
    (
        dict(op="maxpool", input=MAX_POOL_INPUT, grad=[[1, 2], [3, 4]]),
        "the upstream gradient must have the output's shape, 3×3",
    ),
    (
        dict(op="maxpool", input=MAX_POOL_INPUT, padding="same"),
        "padding 'same' is for convolutions",
    ),
    (dict(op="maxpool", input=MAX_POOL_INPUT, kernel=[[1]]), "a pooling window has no kernel"),
    (dict(input=[[1, 2, 3]]), "a convolution needs a kernel"),
    (dict(input=[[1, 2], [3]], kernel=[[1]]), "the input must be rectangular"),
    (dict(input=[[0] * 33], kernel=[[1]]), "at most 32 items"),
    (dict(input=[[1]], kernel=[[1] * 8]), "at most 7 items"),
    (dict(input=[[1, 2]], kernel=[[1]], stride=9), "less than or equal to 8"),
    (dict(input=[[1, 2]], kernel=[[1]], extra=1), "Extra inputs are not permitted"),
    (dict(op="maxpool", input=[[1, 2]], pool=8), "less than or equal to 7"),
]


@pytest.mark.parametrize(("body", "message"), REFUSALS, ids=lambda v: str(v)[:40])
def test_refusals_are_422_saying_what_to_fix(client: TestClient, body, message) -> None:
    response = post(client, **body)
    assert response.status_code == 422, response.text
    assert message in detail(response)


def test_the_largest_request_is_bounded(client: TestClient) -> None:
    """A 32×32 input, a 7×7 kernel, padding "full": 38×38 outputs × 49 products, the most the
    sandbox answers; a dilation on top of it is refused."""
    body = dict(input=np.ones((32, 32)).tolist(), kernel=np.ones((7, 7)).tolist(), padding="full")
    response = post(client, **body)
    assert response.status_code == 200
    assert response.json()["output_size"] == [38, 38]
    assert len(response.content) < 1_500_000
    refused = post(client, **body, dilation=2)
    assert refused.status_code == 422 and "more than the sandbox shows" in detail(refused)
