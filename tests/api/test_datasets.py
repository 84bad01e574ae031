"""The dataset routes through TestClient: the list, background downloads with their SSE progress
(a fake download, no network; on both backends: in the server's memory, and through a broker's
Redis), and gallery samples, each error included."""

import json
from pathlib import Path

import numpy as np
import pytest
from tests.job_backends import JobsBackend
from tests.sse_client import read_sse
from tests.tiny_mnist import NOISE, make_tiny_mnist, write_mnist_files

from cnnviz.api.encoding import decode_array
from cnnviz.data import DataError, DownloadResult
from cnnviz.data.store import ENV_DATA_DIR


@pytest.fixture(autouse=True)
def data_root(tmp_path: Path, monkeypatch) -> Path:
    root = make_tiny_mnist(tmp_path / "data", train=60, test=30)
    monkeypatch.setenv(ENV_DATA_DIR, str(root))
    return root


def test_the_list_says_what_is_on_disk(client):
    datasets = {d["name"]: d for d in client.get("/api/datasets").json()}
    mnist = datasets["mnist"]
    assert mnist["title"] == "MNIST" and mnist["classes"] == [str(i) for i in range(10)]
    assert mnist["complete"] is True and mnist["downloading"] is False
    assert mnist["splits"]["train"]["count"] == 60 and mnist["splits"]["test"]["count"] == 30
    assert mnist["splits"]["train"]["expected"] == 60_000
    others = [d for name, d in datasets.items() if name != "mnist"]
    assert all(not d["complete"] and d["splits"]["test"]["missing"] for d in others)


def test_the_list_counts_the_images_of_each_class(client, data_root):
    """Labels written here by hand: five 0s, two 1s and one 7 to train on, four 3s to test."""
    train_labels = np.array([0, 1, 0, 7, 0, 0, 1, 0])
    test_labels = np.array([3, 3, 3, 3])
    blank = np.zeros((28, 28), np.uint8)
    write_mnist_files(
        data_root / "mnist",
        (np.stack([blank] * len(train_labels)), train_labels),
        (np.stack([blank] * len(test_labels)), test_labels),
    )
    mnist = next(d for d in client.get("/api/datasets").json() if d["name"] == "mnist")
    assert mnist["splits"]["train"]["class_counts"] == [5, 2, 0, 0, 0, 0, 0, 1, 0, 0]
    assert mnist["splits"]["test"]["class_counts"] == [0, 0, 0, 4, 0, 0, 0, 0, 0, 0]
    fashion = next(d for d in client.get("/api/datasets").json() if d["name"] != "mnist")
    assert fashion["splits"]["train"]["class_counts"] is None  # not on disk


def test_samples_of_one_label(client):
    response = client.get("/api/datasets/mnist/samples", params={"label": 3, "n": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["labels"] == [3, 3] and body["indices"] == [3, 13] and body["total"] == 3
    images = decode_array(body["images"])
    assert images.shape == (2, 28, 28)
    assert images[0, 9].tolist() == [255] * 28  # a 3: its bright row is row 2 * 3 + 3
    assert np.delete(images[0], 9, axis=0).max() < NOISE
    everything = client.get("/api/datasets/mnist/samples", params={"split": "train", "n": 100})
    assert len(everything.json()["indices"]) == 60
    page = client.get("/api/datasets/mnist/samples", params={"n": 5, "offset": 28}).json()
    assert page["indices"] == [28, 29]


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/datasets/nope/samples", 404, "unknown dataset"),
        ("/api/datasets/mnist/samples?label=10", 422, "less than or equal to 9"),
        ("/api/datasets/mnist/samples?label=-1", 422, "greater than or equal to 0"),
        ("/api/datasets/mnist/samples?n=101", 422, ""),
        ("/api/datasets/mnist/samples?n=0", 422, ""),
        ("/api/datasets/mnist/samples?split=valid", 422, ""),
        ("/api/datasets/fashion-mnist/samples", 409, "download"),
    ],
)
def test_sample_errors(client, url, status, words):
    response = client.get(url)
    assert response.status_code == status
    assert words in json.dumps(response.json()["detail"])


@pytest.fixture
def backend_client(jobs_backend: JobsBackend):
    """A client on either job backend; downloads need no training worker."""
    with jobs_backend.client(worker=False) as client:
        yield client


def test_a_download_runs_in_the_background_and_streams_its_progress(
    jobs_backend: JobsBackend, backend_client, data_root
):
    client = backend_client

    def fake(name, root, progress):
        for prefix in ("train", "t10k"):
            progress(f"{prefix}-images-idx3-ubyte.gz", 0, 10)
            progress(f"{prefix}-images-idx3-ubyte.gz", 10, 10)
        make_tiny_mnist(Path(root), train=10, test=10, name=name)
        return DownloadResult(folder=Path(root) / name, bytes_downloaded=40)

    client.app.state.downloads = jobs_backend.downloads(fake)
    not_yet = client.get("/api/datasets/fashion-mnist/download/events")
    assert not_yet.status_code == 409 and "POST" in not_yet.json()["detail"]
    started = client.post("/api/datasets/fashion-mnist/download")
    assert started.status_code == 202
    assert started.json()["events_url"] == "/api/datasets/fashion-mnist/download/events"
    url = "/api/datasets/fashion-mnist/download/events"
    events = read_sse(client, url)
    assert [e.name for e in events] == ["progress"] * 4 + ["done"]
    assert [e.id for e in events] == ["1", "2", "3", "4", "5"]
    assert events[-1].data["bytes"] == 40 and events[-1].data["seq"] == 5
    resumed = read_sse(client, url, {"Last-Event-ID": "3"})  # a reconnecting EventSource
    assert resumed == events[3:]
    listed = {d["name"]: d for d in client.get("/api/datasets").json()}
    assert listed["fashion-mnist"]["complete"] is True
    samples = client.get("/api/datasets/fashion-mnist/samples", params={"n": 3})
    assert samples.status_code == 200


def test_a_failed_download_reports_why(jobs_backend: JobsBackend, backend_client):
    client = backend_client

    def failing(name, root, progress):
        raise DataError("no mirror reachable; check the network")

    client.app.state.downloads = jobs_backend.downloads(failing)
    assert client.post("/api/datasets/mnist/download").status_code == 202
    events = read_sse(client, "/api/datasets/mnist/download/events")
    message = "no mirror reachable; check the network"
    assert [e.data for e in events] == [{"type": "error", "message": message, "seq": 1}]
    assert client.post("/api/datasets/nope/download").status_code == 404
    assert client.get("/api/datasets/nope/download/events").status_code == 404
