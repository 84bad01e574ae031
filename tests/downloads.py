"""Datasets to download in tests: small ones made on the spot (their files as bytes, with md5s),
and a local HTTP server to download them from, as fixtures. The conftest of each folder whose
tests download imports them.

Nothing here reads the shared MNIST copy or the network: every file is written by the test that
needs it, and every download goes to 127.0.0.1.
"""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from tests.closed_port import closed_port_url
from tests.live_server import PROXY_VARS
from tests.tiny_mnist import MNIST_FILES, write_mnist_files

from cnnviz.data import DATASETS, DatasetInfo, SplitFiles, clear_cache
from cnnviz.data.registry import DataFile


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No data dir from the environment, no proxy between us and 127.0.0.1, a cold cache."""
    monkeypatch.delenv("CNNVIZ_DATA_DIR", raising=False)
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    clear_cache()
    yield
    clear_cache()


def make_split(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` random 28×28 uint8 images and labels 0..9."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    return images, labels


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


@dataclass
class TinyDataset:
    """The four files of a tiny dataset, as bytes, and a DatasetInfo whose md5s are theirs."""

    files: dict[str, bytes]
    arrays: dict[str, np.ndarray]
    info: DatasetInfo
    names: tuple[str, ...] = MNIST_FILES

    def write(self, folder: Path, names: tuple[str, ...] = MNIST_FILES) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            (folder / name).write_bytes(self.files[name])
        return folder


def tiny_dataset(tmp_path: Path, n_train: int = 12, n_test: int = 5) -> TinyDataset:
    train, test = make_split(n_train, seed=1), make_split(n_test, seed=2)
    arrays = dict(zip(MNIST_FILES, (*train, *test), strict=True))
    work = write_mnist_files(tmp_path / "make", train, test)
    files = {name: (work / name).read_bytes() for name in MNIST_FILES}
    data_files = [DataFile(name, md5(files[name]), len(files[name])) for name in MNIST_FILES]
    info = DatasetInfo(
        name="mnist",
        title="MNIST",
        classes=tuple("0123456789"),
        train=SplitFiles(data_files[0], data_files[1], n_train),
        test=SplitFiles(data_files[2], data_files[3], n_test),
        mirrors=(),
    )
    return TinyDataset(files, arrays, info)


@pytest.fixture
def tiny(tmp_path: Path) -> TinyDataset:
    """12 train and 5 test images."""
    return tiny_dataset(tmp_path)


@pytest.fixture
def big(tmp_path: Path) -> TinyDataset:
    """300 train images: a train image file of about 235 kB, several download chunks."""
    return tiny_dataset(tmp_path, n_train=300)


@pytest.fixture
def tiny_mnist(monkeypatch: pytest.MonkeyPatch, tiny: TinyDataset) -> TinyDataset:
    """`tiny`, with the registry's "mnist" expecting exactly its files (md5s, sizes, counts)."""
    info = dataclasses.replace(
        DATASETS["mnist"],
        train=tiny.info.train,
        test=tiny.info.test,
        mirrors=("http://127.0.0.1:9/unused/",),
    )
    monkeypatch.setitem(DATASETS, "mnist", info)
    return tiny


# --- a local HTTP server -------------------------------------------------------------------------


@dataclass
class Drop:
    """Announce all of `data` (Content-Length), send `after` bytes of it, then hang up."""

    data: bytes
    after: int


@dataclass
class NoLength:
    """Send `data` without a Content-Length; the end of the body is the end of the connection."""

    data: bytes


class Hang:
    """Accept the request and answer nothing (until the server stops)."""


class FileServer:
    """`routes` maps a URL path to bytes (200), Drop, NoLength or Hang; anything else is 404.

    The route types are attributes too (`server.Drop(...)`), so tests need no import from here.
    """

    Drop = Drop
    NoLength = NoLength
    Hang = Hang

    def __init__(self) -> None:
        self.routes: dict[str, object] = {}
        self.requests: list[str] = []
        self.stop = threading.Event()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append(self.path)
                route = server.routes.get(self.path)
                if isinstance(route, Hang):
                    server.stop.wait(10)
                    self.close_connection = True
                    return
                if route is None:
                    self.send_error(404)
                    return
                data = route.data if isinstance(route, Drop | NoLength) else route
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                if isinstance(route, NoLength):
                    self.send_header("Connection", "close")
                else:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: route.after] if isinstance(route, Drop) else data)
                self.wfile.flush()
                if isinstance(route, Drop | NoLength):
                    self.close_connection = True

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, prefix: str = "") -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{prefix}"

    def serve(self, prefix: str, files: dict[str, bytes | object]) -> str:
        """Serve `files` under `/<prefix>/`; return that base URL."""
        for name, route in files.items():
            self.routes[f"/{prefix}/{name}"] = route
        return self.url(prefix + "/")


@pytest.fixture
def server() -> Iterator[FileServer]:
    file_server = FileServer()
    file_server.thread.start()
    yield file_server
    file_server.stop.set()
    file_server.httpd.shutdown()
    file_server.httpd.server_close()


@pytest.fixture(name="closed_port_url")
def closed_port_url_fixture() -> str:
    """A mirror URL on 127.0.0.1 where nothing listens: connections are refused at once."""
    return closed_port_url("/mnist/")


@pytest.fixture
def tiny_mirror(server: FileServer, tiny: TinyDataset) -> str:
    """The files of `tiny` on the local server, under /mnist/; returns that base URL."""
    return server.serve("mnist", tiny.files)
