"""What the model store holds in memory: listing reads no weights, and loaded models stay within
the cache's bound (least recently used out first, never one a request holds).

Memory is measured with tracemalloc, which sees every NumPy array allocation: the reference is
the size of one model's weights, counted by hand (`tests.model_files.ZEROS_WEIGHT_BYTES`).
"""

import shutil
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.model_files import ZEROS_WEIGHT_BYTES, zeros_model, zeros_model_bytes

from cnnviz.models.cache import CACHE_BYTES
from cnnviz.models.store import ModelStore

MB = 1024 * 1024


def traced(work: Callable[[], object]) -> tuple[object, int, int]:
    """(result, peak bytes allocated while it ran, bytes still allocated after)."""
    tracemalloc.start()
    try:
        result = work()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak, current


@pytest.fixture(scope="module")
def zeros_file() -> bytes:
    return zeros_model_bytes()


def zeros_models(folder: Path, count: int) -> list[str]:
    """`count` user model files of `zeros_model()`, ids zeros-0, zeros-1, ..."""
    folder.mkdir(parents=True, exist_ok=True)
    first = zeros_model().save(folder / "zeros-0.npz")
    for k in range(1, count):
        shutil.copyfile(first, folder / f"zeros-{k}.npz")
    return [f"zeros-{k}" for k in range(count)]


def test_listing_after_a_restart_reads_no_weights(tmp_path: Path, zeros_file: bytes) -> None:
    store = ModelStore(tmp_path)
    imported = [store.import_file(zeros_file).id for _ in range(6)]
    assert len(zeros_file) < 100_000  # 19 MB of weights in a file of a few KB
    assert store.cached_bytes <= CACHE_BYTES

    restarted = ModelStore(tmp_path)
    start = time.monotonic()
    rows, peak, _ = traced(lambda: [restarted.summary(i) for i in restarted.ids()])
    elapsed = time.monotonic() - start
    print(f"listing 8 models: {elapsed * 1000:.0f} ms, peak {peak / MB:.2f} MB allocated")
    assert peak < ZEROS_WEIGHT_BYTES / 10  # not one model's weights, let alone six
    assert elapsed < 1.0
    assert [row["id"] for row in rows][2:] == sorted(imported)
    assert {row["name"] for row in rows[2:]} == {"zeros"}
    assert restarted.cached_bytes == 0


def test_a_changed_file_is_listed_as_it_is_now(tmp_path: Path) -> None:
    store = ModelStore(tmp_path)
    entry = store.add(zeros_model(), {"name": "before"})
    assert store.summary(entry.id)["name"] == "before"
    zeros_model().save(entry.path, metadata={"name": "after", "id": entry.id})
    assert store.summary(entry.id)["name"] == "after"


def test_loaded_models_stay_under_the_bound_oldest_out_first(tmp_path: Path) -> None:
    ids = zeros_models(tmp_path, 6)
    one = ModelStore(tmp_path).get(ids[0]).size
    assert one >= 2 * ZEROS_WEIGHT_BYTES  # weights, and room for their gradients
    store = ModelStore(tmp_path, cache_bytes=3 * one)
    _, peak, kept = traced(lambda: [store.get(model_id) and None for model_id in ids])
    print(f"six loads: peak {peak / MB:.0f} MB, {kept / MB:.0f} MB kept")
    assert store.cached_bytes <= 3 * one
    assert kept < 4 * ZEROS_WEIGHT_BYTES  # three models' weights, the rest freed
    assert [store.loaded(i) is not None for i in ids] == [False] * 3 + [True] * 3


def test_a_recent_use_keeps_a_model_and_a_held_one_is_never_evicted(tmp_path: Path) -> None:
    ids = zeros_models(tmp_path, 4)
    one = ModelStore(tmp_path).get(ids[0]).size
    store = ModelStore(tmp_path, cache_bytes=2 * one)
    a, b = store.get(ids[0]), store.get(ids[1])
    store.get(ids[0])  # a is now the more recently used
    store.get(ids[2])
    assert store.loaded(ids[0]) is a and store.loaded(ids[1]) is None

    with a.lock:  # a request is computing with a
        store.get(ids[3])
        store.get(ids[1])
        assert store.loaded(ids[0]) is a
    assert store.loaded(ids[2]) is None and store.loaded(ids[3]) is None
    assert store.loaded(ids[1]) is not b  # loaded again after its eviction
    assert store.cached_bytes <= 2 * one
