"""Downloading against a local HTTP server: mirrors in order, md5 checks, atomic files, errors."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import numpy as np
import pytest
from tests.tiny_mnist import MNIST_FILES

from cnnviz.data import DataError, download_dataset, load_split


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.part")) if folder.exists() else []


def test_downloads_every_file(server, tiny, tmp_path: Path) -> None:
    mirror = server.serve("m", tiny.files)
    root = tmp_path / "data"

    result = download_dataset(tiny.info, root, mirrors=[mirror])

    folder = root / "mnist"
    assert result.folder == folder
    assert result.downloaded == [folder / name for name in MNIST_FILES]
    assert result.skipped == []
    assert result.bytes_downloaded == sum(len(data) for data in tiny.files.values())
    for name in MNIST_FILES:
        assert (folder / name).read_bytes() == tiny.files[name]
    assert leftovers(folder) == []
    assert server.requests == [f"/m/{name}" for name in MNIST_FILES]
    images, labels = load_split("mnist", "train", root=root)
    np.testing.assert_array_equal(images, tiny.arrays[MNIST_FILES[0]])
    np.testing.assert_array_equal(labels, tiny.arrays[MNIST_FILES[1]])


def test_uses_the_datasets_own_mirrors(server, tiny, tmp_path: Path):
    info = dataclasses.replace(tiny.info, mirrors=(server.serve("own", tiny.files),))
    download_dataset(info, tmp_path)
    assert sorted(p.name for p in (tmp_path / "mnist").iterdir()) == sorted(MNIST_FILES)


def test_mirror_without_trailing_slash(server, tiny, tmp_path: Path):
    mirror = server.serve("m", tiny.files).rstrip("/")
    download_dataset(tiny.info, tmp_path, mirrors=[mirror])
    assert server.requests[0] == f"/m/{MNIST_FILES[0]}"


def test_first_mirror_404_then_second(server, tiny, tmp_path: Path):
    good = server.serve("good", tiny.files)
    messages: list[str] = []

    result = download_dataset(
        tiny.info, tmp_path, mirrors=[server.url("missing/"), good], log=messages.append
    )

    assert len(result.downloaded) == 4
    assert server.requests[:2] == [f"/missing/{MNIST_FILES[0]}", f"/good/{MNIST_FILES[0]}"]
    assert len(server.requests) == 8  # every file: the first mirror, then the second
    assert any("HTTP 404" in message for message in messages)
    assert leftovers(tmp_path / "mnist") == []


def test_checksum_mismatch_on_every_mirror(server, tiny, tmp_path: Path) -> None:
    wrong = {name: b"<html>a login page</html>" for name in MNIST_FILES}
    mirrors = [server.serve("a", wrong), server.serve("b", wrong)]
    got = hashlib.md5(b"<html>a login page</html>").hexdigest()

    with pytest.raises(DataError) as info:
        download_dataset(tiny.info, tmp_path, mirrors=mirrors)

    message = str(info.value)
    expected = tiny.info.train.images.md5
    assert message.startswith(f"{MNIST_FILES[0]} has the wrong checksum on every mirror")
    assert f"expected md5 {expected}, got {got}" in message
    assert mirrors[0] + MNIST_FILES[0] in message and mirrors[1] + MNIST_FILES[0] in message
    folder = tmp_path / "mnist"
    assert not (folder / MNIST_FILES[0]).exists()
    assert leftovers(folder) == []


def test_checksum_checked_against_the_real_registry(server, tmp_path: Path) -> None:
    mirror = server.serve("m", {MNIST_FILES[0]: b"not mnist"})
    with pytest.raises(DataError, match="expected md5 f68b3c2dcbeaaa9fbdd348bbdeb94873"):
        download_dataset("mnist", tmp_path, mirrors=[mirror])


def test_bad_copy_on_one_mirror_good_on_the_next(server, tiny, tmp_path: Path) -> None:
    corrupted = {name: data[:-1] + bytes([data[-1] ^ 1]) for name, data in tiny.files.items()}
    mirrors = [server.serve("bad", corrupted), server.serve("good", tiny.files)]
    messages: list[str] = []
    download_dataset(tiny.info, tmp_path, mirrors=mirrors, log=messages.append)
    for name in MNIST_FILES:
        assert (tmp_path / "mnist" / name).read_bytes() == tiny.files[name]
    assert any("wrong md5" in message for message in messages)


def test_no_network(closed_port_url: str, tiny, tmp_path: Path) -> None:
    other = closed_port_url.replace("/mnist/", "/other/")
    with pytest.raises(DataError) as info:
        download_dataset(tiny.info, tmp_path, mirrors=[closed_port_url, other])
    message = str(info.value)
    assert message.startswith(f"no mirror could be reached to download {MNIST_FILES[0]} of MNIST")
    assert f"{closed_port_url}{MNIST_FILES[0]} (connection refused)" in message
    assert f"{other}{MNIST_FILES[0]} (connection refused)" in message
    assert "check your internet connection or proxy" in message
    assert f"copy the four files ({', '.join(MNIST_FILES)}) into {tmp_path / 'mnist'}" in message
    assert "\n" not in message
    assert not (tmp_path / "mnist").exists()  # no empty folder left behind


def test_timeout_counts_as_unreachable(server, tiny, tmp_path: Path) -> None:
    mirror = server.serve("slow", dict.fromkeys(MNIST_FILES, server.Hang()))
    with pytest.raises(DataError, match=r"no mirror could be reached.*\(timed out\)"):
        download_dataset(tiny.info, tmp_path, mirrors=[mirror], timeout=0.3)


def test_mixed_failures_are_listed(server, closed_port_url: str, tiny, tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        download_dataset(tiny.info, tmp_path, mirrors=[server.url("none/"), closed_port_url])
    message = str(info.value)
    assert message.startswith(f"could not download {MNIST_FILES[0]} of MNIST: tried ")
    assert "(HTTP 404 Not Found)" in message and "(connection refused)" in message
    assert "copy the four files" in message


def test_dropped_connection_leaves_nothing(server, big, tmp_path: Path) -> None:
    data = big.files[MNIST_FILES[0]]
    mirror = server.serve("m", {MNIST_FILES[0]: server.Drop(data, after=len(data) // 2)})
    root = tmp_path / "data"
    (root / "mnist").mkdir(parents=True)

    with pytest.raises(DataError) as info:
        download_dataset(big.info, root, mirrors=[mirror])

    assert f"the connection closed after {len(data) // 2} of {len(data)} bytes" in str(info.value)
    folder = root / "mnist"
    assert not (folder / MNIST_FILES[0]).exists()
    assert leftovers(folder) == []
    assert list(folder.iterdir()) == []


def test_dropped_connection_then_next_mirror(server, tiny, tmp_path: Path) -> None:
    dropping = {name: server.Drop(data, after=len(data) - 10) for name, data in tiny.files.items()}
    mirrors = [server.serve("drop", dropping), server.serve("good", tiny.files)]
    result = download_dataset(tiny.info, tmp_path, mirrors=mirrors)
    assert len(result.downloaded) == 4
    assert leftovers(tmp_path / "mnist") == []


def test_without_content_length(server, tiny, tmp_path: Path) -> None:
    calls = []
    served = {name: server.NoLength(data) for name, data in tiny.files.items()}
    mirror = server.serve("m", served)
    download_dataset(tiny.info, tmp_path, mirrors=[mirror], progress=lambda *c: calls.append(c))
    for name in MNIST_FILES:
        assert (tmp_path / "mnist" / name).read_bytes() == tiny.files[name]
    # No Content-Length: the total comes from the registry's size.
    assert calls[0] == (MNIST_FILES[0], 0, len(tiny.files[MNIST_FILES[0]]))


def test_cut_body_without_content_length_fails_the_md5(server, tiny, tmp_path: Path) -> None:
    cut = {name: server.NoLength(data[: len(data) // 2]) for name, data in tiny.files.items()}
    with pytest.raises(DataError, match="wrong checksum on every mirror"):
        download_dataset(tiny.info, tmp_path, mirrors=[server.serve("m", cut)])
    assert not (tmp_path / "mnist" / MNIST_FILES[0]).exists()
    assert leftovers(tmp_path / "mnist") == []


def test_interrupted_download_leaves_nothing(server, big, tmp_path: Path) -> None:
    mirror = server.serve("m", big.files)

    def interrupt(name: str, done: int, total: int | None) -> None:
        if done > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        download_dataset(big.info, tmp_path / "data", mirrors=[mirror], progress=interrupt)
    folder = tmp_path / "data" / "mnist"
    assert not (folder / MNIST_FILES[0]).exists()
    assert leftovers(folder) == []


def test_stale_part_file_is_replaced(server, tiny, tmp_path: Path):
    folder = tmp_path / "mnist"
    folder.mkdir()
    (folder / (MNIST_FILES[0] + ".part")).write_bytes(b"left over from a crash" * 1000)
    download_dataset(tiny.info, tmp_path, mirrors=[server.serve("m", tiny.files)])
    assert (folder / MNIST_FILES[0]).read_bytes() == tiny.files[MNIST_FILES[0]]
    assert leftovers(folder) == []


def test_present_files_are_skipped(server, tiny, tmp_path: Path):
    folder = tiny.write(tmp_path / "mnist", names=(MNIST_FILES[0],))
    # An uncompressed copy counts as present too.
    (folder / MNIST_FILES[3].removesuffix(".gz")).write_bytes(b"raw labels, left alone")
    mirror = server.serve("m", tiny.files)

    result = download_dataset(tiny.info, tmp_path, mirrors=[mirror])

    assert server.requests == [f"/m/{MNIST_FILES[1]}", f"/m/{MNIST_FILES[2]}"]
    assert result.skipped == [folder / MNIST_FILES[0], folder / "t10k-labels-idx1-ubyte"]
    assert result.downloaded == [folder / MNIST_FILES[1], folder / MNIST_FILES[2]]
    again = download_dataset(tiny.info, tmp_path, mirrors=[mirror])
    assert again.downloaded == [] and len(again.skipped) == 4
    assert len(server.requests) == 2


def test_progress_calls(server, big, tmp_path: Path) -> None:
    calls: list[tuple[str, int, int | None]] = []
    download_dataset(
        big.info,
        tmp_path / "data",
        mirrors=[server.serve("m", big.files)],
        progress=lambda *call: calls.append(call),
    )
    names = list(dict.fromkeys(name for name, _, _ in calls))
    assert names == list(MNIST_FILES)
    for name in MNIST_FILES:
        size = len(big.files[name])
        mine = [(done, total) for n, done, total in calls if n == name]
        assert mine[0] == (0, size)
        assert mine[-1] == (size, size)
        dones = [done for done, _ in mine]
        assert dones == sorted(dones)
        assert {total for _, total in mine} == {size}
    assert len([c for c in calls if c[0] == MNIST_FILES[0]]) > 3  # several chunks, each reported


def test_bad_mirror_url(tiny, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="mirror 'ftp://x/' is not an http:// or https:// URL"):
        download_dataset(tiny.info, tmp_path, mirrors=["ftp://x/"])


def test_folder_that_cannot_be_created(tiny, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(DataError, match=r"cannot create .*a-file/mnist"):
        download_dataset(tiny.info, blocker, mirrors=["http://127.0.0.1:9/"])


def test_unknown_dataset(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="unknown dataset 'svhn'; known: mnist, fashion-mnist"):
        download_dataset("svhn", tmp_path)
