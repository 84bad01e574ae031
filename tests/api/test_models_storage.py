"""What the model routes cost and how they fail on the server's side: a full disk is a 507 that
leaves no partial file, a model deleted under a request is a 404, listing after a restart reads
no weights, and exports stream (eight slow downloads of a 300 MB model, measured on a real
server over loopback)."""

import errno
import http.client
import os
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.live_server import LiveServer, live_server
from tests.model_files import (
    ZEROS_WEIGHT_BYTES,
    write_oversized_model,
    zeros_model,
    zeros_model_bytes,
)

from cnnviz.api.main import create_app
from cnnviz.models.store import ModelStore
from cnnviz.nn import serialize as serialize_module
from cnnviz.settings import Settings

MB = 1024 * 1024
OCTET = {"content-type": "application/octet-stream"}
DIGIT = {"pixels": [[0.0] * 28 for _ in range(28)]}


def no_space(file, **arrays) -> None:
    """np.savez_compressed on a disk that fills up after the first few KB."""
    file.write(b"PK\x03\x04" + b"\0" * 4096)
    raise OSError(errno.ENOSPC, "No space left on device")


# -- A.6: a full disk ------------------------------------------------------------------------
@pytest.mark.parametrize("route", ["create", "import"])
def test_a_full_disk_is_507_with_json_and_leaves_no_partial_file(
    client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch, route: str
) -> None:
    exported = client.get("/api/models/simple-mnist/export").content
    monkeypatch.setattr(serialize_module.np, "savez_compressed", no_space)
    if route == "create":
        response = client.post("/api/models", json={"preset": "simple", "name": "full"})
    else:
        response = client.post("/api/models/import", content=exported, headers=OCTET)
    assert response.status_code == 507, response.text
    assert response.headers["content-type"] == "application/json"
    detail = response.json()["detail"]
    assert "No space left on device" in detail and "free space" in detail
    assert str(settings.models_dir) not in detail
    assert list(settings.models_dir.iterdir()) == []
    assert [m["id"] for m in client.get("/api/models").json()] == ["lenet5-mnist", "simple-mnist"]


def test_a_file_size_limit_of_the_real_os_is_507(tmp_path: Path) -> None:
    """RLIMIT_FSIZE makes the kernel refuse a write past 100 KB (EFBIG), as a full disk refuses
    one (ENOSPC); a real full filesystem needs root to mount, which tests do not have."""
    models = tmp_path / "models"
    with live_server(tmp_path, models_dir=models, file_size_limit=100_000) as server:
        big = server.request("POST", "/api/models", {"preset": "lenet5"})  # ~230 KB compressed
        small = server.request("POST", "/api/models", {"preset": "simple"})  # ~50 KB
    assert big[0] == 507, big
    assert "File too large" in big[1]["detail"] and str(models) not in big[1]["detail"]
    assert small[0] == 201, small
    assert sorted(p.name for p in models.iterdir()) == [f"{small[1]['id']}.npz"]


def test_partial_files_are_swept_when_the_server_starts(settings: Settings) -> None:
    settings.models_dir.mkdir(parents=True)
    left = settings.models_dir / "cut-short-1.npz.part"
    left.write_bytes(b"PK\x03\x04 killed mid-save")
    os.utime(left, (time.time() - 3600, time.time() - 3600))  # long before this start
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/models").status_code == 200
    assert list(settings.models_dir.iterdir()) == []


# -- A.12: a model deleted under a request ---------------------------------------------------
def test_a_model_deleted_as_a_trace_starts_is_404_without_a_path(
    client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = client.post("/api/models", json={"preset": "simple"}).json()["id"]
    locate = ModelStore._locate

    def locate_then_delete(self, model_id):
        found = locate(self, model_id)
        found[0].unlink(missing_ok=True)  # a DELETE that lands between lookup and load
        return found

    with TestClient(create_app(settings)) as restarted:  # nothing loaded yet
        monkeypatch.setattr(ModelStore, "_locate", locate_then_delete)
        response = restarted.post(f"/api/models/{created}/trace", json=DIGIT)
    assert response.status_code == 404, response.text
    assert response.json()["detail"] == f"no model {created!r}; GET /api/models lists them"


# -- A.4: listing after a restart ------------------------------------------------------------
def test_listing_after_a_restart_reads_no_weights(settings: Settings) -> None:
    """20 imported models of 19 MB each (a few KB on disk): after a restart the first listing
    allocates less than one model's weights and answers within a second."""
    with TestClient(create_app(settings)) as client:
        exported = zeros_model_bytes()
        for _ in range(3):
            response = client.post("/api/models/import", content=exported, headers=OCTET)
            assert response.status_code == 201, response.text
    first = next(settings.models_dir.glob("*.npz"))
    for k in range(17):  # the other 17 as copies: importing each costs a second
        (settings.models_dir / f"zeros-copy-{k}.npz").write_bytes(first.read_bytes())

    with TestClient(create_app(settings)) as restarted:
        tracemalloc.start()
        start = time.monotonic()
        response = restarted.get("/api/models")
        elapsed = time.monotonic() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(f"first listing of 22 models: {elapsed * 1000:.0f} ms, peak {peak / MB:.2f} MB")
    assert response.status_code == 200 and len(response.json()) == 22
    assert peak < ZEROS_WEIGHT_BYTES / 4
    assert elapsed < 1.0


def test_the_store_cache_stays_under_its_bound_through_requests(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        store = ModelStore(settings.models_dir, cache_bytes=100 * MB)
        client.app.state.store = store
        ids = [store.add(zeros_model(), {}).id for _ in range(4)]
        for model_id in ids:
            assert client.post(f"/api/models/{model_id}/trace", json=DIGIT).status_code == 200
            assert store.cached_bytes <= 100 * MB
        assert [store.loaded(i) is not None for i in ids] == [False, False, True, True]


# -- A.10: exports stream --------------------------------------------------------------------
EXPORT_BYTES = 300 * MB
CLIENTS = 8


@pytest.fixture(scope="module")
def big_model_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("exports")
    (root / "models").mkdir()
    write_oversized_model(root / "models" / "big-1.npz", EXPORT_BYTES)
    with live_server(root) as server:
        yield server


def read_slowly(server: LiveServer, path: str, results: list, pause: float = 0.005) -> None:
    """Download `path` a megabyte at a time with a pause after each: (bytes, crc32)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        size, crc = 0, 0
        while chunk := response.read(MB):
            size, crc = size + len(chunk), zlib.crc32(chunk, crc)
            time.sleep(pause)
        results.append((response.status, size, crc))
    finally:
        connection.close()


def test_eight_slow_exports_of_a_300_mb_model_hold_little_memory(
    big_model_server: LiveServer,
) -> None:
    server = big_model_server
    file = server.models_dir / "big-1.npz"
    expected = (200, file.stat().st_size, file_crc(file))
    warm: list = []
    read_slowly(server, "/api/models/simple-mnist/export", warm, pause=0)
    baseline = server.rss_bytes()
    server.reset_peak()

    results: list = []
    threads = [
        threading.Thread(target=read_slowly, args=(server, "/api/models/big-1/export", results))
        for _ in range(CLIENTS)
    ]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, start + 120 - time.monotonic()))
    elapsed = time.monotonic() - start
    growth = server.peak_rss_bytes() - baseline
    print(
        f"{CLIENTS} exports of {expected[1] / MB:.0f} MB in {elapsed:.1f} s: server RSS "
        f"{baseline / MB:.0f} MB before, peak {growth / MB:+.1f} MB"
    )
    assert not any(thread.is_alive() for thread in threads), "an export did not end in 120 s"
    assert results == [expected] * CLIENTS
    assert growth <= 100 * MB


def test_an_export_survives_a_delete_of_its_model(big_model_server: LiveServer) -> None:
    server = big_model_server
    models = server.models_dir
    doomed = models / "big-2.npz"
    os.link(models / "big-1.npz", doomed)  # the same bytes under a second id, at no cost
    expected = file_crc(doomed)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", "/api/models/big-2/export")
        response = connection.getresponse()
        crc = zlib.crc32(response.read(MB))
        deleter = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        deleter.request("DELETE", "/api/models/big-2")
        assert deleter.getresponse().status == 204
        deleter.close()
        while chunk := response.read(MB):
            crc = zlib.crc32(chunk, crc)
    finally:
        connection.close()
    assert not doomed.exists()
    assert crc == expected


def file_crc(path: Path) -> int:
    crc = 0
    with path.open("rb") as file:
        while chunk := file.read(MB):
            crc = zlib.crc32(chunk, crc)
    return crc
