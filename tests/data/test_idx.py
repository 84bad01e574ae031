"""IDX reading and writing, checked against bytes built by hand from the format definition."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from cnnviz.data import DataError, load_images_labels, read_idx, read_idx_header, write_idx

# type code -> (struct format character, NumPy dtype), straight from the IDX definition.
TYPES = {
    0x08: ("B", np.uint8),
    0x09: ("b", np.int8),
    0x0B: ("h", np.int16),
    0x0C: ("i", np.int32),
    0x0D: ("f", np.float32),
    0x0E: ("d", np.float64),
}
VALUES = {
    0x08: [0, 1, 127, 128, 254, 255],
    0x09: [-128, -1, 0, 1, 100, 127],
    0x0B: [-32768, -300, 0, 1, 258, 32767],
    0x0C: [-(2**31), -70000, 0, 1, 65536, 2**31 - 1],
    0x0D: [-1.5, 0.0, 0.25, 3.0e38, -7.0, 1.0e-3],
    0x0E: [-1.5, 0.0, 0.1, 1.0e300, -7.0, 2.0**-40],
}


def idx_bytes(code: int, dims: tuple[int, ...], values: list) -> bytes:
    """An IDX file written from the format definition: magic, big-endian dims, big-endian data."""
    char = TYPES[code][0]
    return struct.pack(f">BBBB{len(dims)}I", 0, 0, code, len(dims), *dims) + struct.pack(
        f">{len(values)}{char}", *values
    )


@pytest.mark.parametrize("code", list(TYPES), ids=[f"0x{c:02X}" for c in TYPES])
@pytest.mark.parametrize("compressed", [False, True], ids=["raw", "gzip"])
def test_reads_hand_built_bytes(tmp_path: Path, code: int, compressed: bool) -> None:
    data = idx_bytes(code, (2, 3), VALUES[code])
    path = tmp_path / "file.idx"
    path.write_bytes(gzip.compress(data) if compressed else data)

    array = read_idx(path)

    dtype = TYPES[code][1]
    expected = np.array(VALUES[code], dtype=dtype).reshape(2, 3)
    assert array.dtype == np.dtype(dtype)
    assert array.dtype.isnative
    assert array.shape == (2, 3)
    np.testing.assert_array_equal(array, expected)
    assert array.flags.writeable
    assert array.flags.c_contiguous


def test_mnist_shaped_file_by_hand(tmp_path: Path) -> None:
    pixels = bytes(i % 251 for i in range(2 * 28 * 28))
    data = struct.pack(">IIII", 0x0803, 2, 28, 28) + pixels
    path = tmp_path / "images"
    path.write_bytes(data)
    images = read_idx(path)
    assert images.shape == (2, 28, 28)
    assert images.dtype == np.uint8
    assert images[1, 27, 27] == pixels[-1]
    assert images.tobytes() == pixels
    labels_path = tmp_path / "labels"
    labels_path.write_bytes(struct.pack(">II", 0x0801, 2) + bytes([7, 3]))
    assert read_idx(labels_path).tolist() == [7, 3]


@pytest.mark.parametrize("code", list(TYPES), ids=[f"0x{c:02X}" for c in TYPES])
def test_write_idx_matches_the_definition(tmp_path: Path, code: int) -> None:
    array = np.array(VALUES[code], dtype=TYPES[code][1]).reshape(3, 1, 2)
    path = write_idx(tmp_path / "out.idx", array)
    assert path.read_bytes() == idx_bytes(code, (3, 1, 2), VALUES[code])


@pytest.mark.parametrize("dtype", [t[1] for t in TYPES.values()], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", ["a.idx", "a.idx.gz"])
@pytest.mark.parametrize("shape", [(7,), (4, 5), (3, 28, 28), (0, 28, 28), (2, 1, 3, 2)])
def test_round_trip(tmp_path: Path, dtype, name: str, shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(0)
    info = np.iinfo(dtype) if np.issubdtype(dtype, np.integer) else None
    if info is not None:
        array = rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
    else:
        array = rng.standard_normal(shape).astype(dtype)
    path = write_idx(tmp_path / name, array)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == name.endswith(".gz")
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype)
    assert back.shape == shape
    np.testing.assert_array_equal(back, array)


def test_write_idx_compress_overrides_the_name(tmp_path: Path) -> None:
    array = np.arange(6, dtype=np.uint8)
    raw = write_idx(tmp_path / "x.gz", array, compress=False)
    assert raw.read_bytes()[:4] == b"\x00\x00\x08\x01"
    packed = write_idx(tmp_path / "x.idx", array, compress=True)
    assert packed.read_bytes()[:2] == b"\x1f\x8b"
    # Gzip is told by its magic bytes, not the name, both ways round.
    np.testing.assert_array_equal(read_idx(raw), array)
    np.testing.assert_array_equal(read_idx(packed), array)


def test_write_idx_is_deterministic(tmp_path: Path) -> None:
    array = np.arange(100, dtype=np.uint8).reshape(4, 25)
    a = write_idx(tmp_path / "a.gz", array).read_bytes()
    b = write_idx(tmp_path / "b.gz", array).read_bytes()
    assert a == b


def test_big_endian_input_is_written_correctly(tmp_path: Path) -> None:
    array = np.array([1, -2, 300], dtype=">i4")
    path = write_idx(tmp_path / "be.idx", array)
    assert path.read_bytes() == idx_bytes(0x0C, (3,), [1, -2, 300])


@pytest.mark.parametrize("dtype", [np.uint16, np.int64, np.bool_, np.complex64])
def test_write_idx_rejects_types_idx_lacks(tmp_path: Path, dtype) -> None:
    with pytest.raises(DataError, match="IDX has no type for dtype"):
        write_idx(tmp_path / "x.idx", np.zeros(3, dtype=dtype))


def test_write_idx_rejects_a_scalar(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="1 to 255 dimensions"):
        write_idx(tmp_path / "x.idx", np.uint8(3))


def test_header_only(tmp_path: Path) -> None:
    path = tmp_path / "h.gz"
    path.write_bytes(gzip.compress(idx_bytes(0x0B, (2, 3), VALUES[0x0B])))
    header = read_idx_header(path)
    assert header.shape == (2, 3)
    assert header.dtype == np.dtype(np.int16)
    assert header.payload_bytes == 12
    assert header.header_bytes == 12


# --- every way a file can be wrong ---------------------------------------------------------------


def write(tmp_path: Path, data: bytes, name: str = "bad.idx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_error_is_a_value_error() -> None:
    assert issubclass(DataError, ValueError)


def test_bad_magic(tmp_path: Path) -> None:
    path = write(tmp_path, b"\x01\x02\x08\x01" + struct.pack(">I", 1) + b"\x00")
    with pytest.raises(DataError, match=r"is not an IDX file \(magic 0x01020801") as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_text_file_is_not_idx(tmp_path: Path) -> None:
    path = write(tmp_path, b"<html>Not Found</html>")
    with pytest.raises(DataError, match="is not an IDX file"):
        read_idx(path)


@pytest.mark.parametrize("code", [0x00, 0x07, 0x0A, 0x0F, 0xFF])
def test_unknown_type_code(tmp_path: Path, code: int) -> None:
    path = write(tmp_path, bytes([0, 0, code, 1]) + struct.pack(">I", 1) + b"\x00" * 8)
    with pytest.raises(DataError, match=f"unknown IDX type code 0x{code:02X}"):
        read_idx(path)


def test_zero_dimensions(tmp_path: Path) -> None:
    path = write(tmp_path, b"\x00\x00\x08\x00")
    with pytest.raises(DataError, match="declares 0 dimensions"):
        read_idx(path)


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="is empty"):
        read_idx(write(tmp_path, b""))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"cannot read .*nope\.idx"):
        read_idx(tmp_path / "nope.idx")


def test_truncated_header(tmp_path: Path) -> None:
    path = write(tmp_path, b"\x00\x00\x08\x03" + struct.pack(">I", 10))
    with pytest.raises(DataError, match=r"is truncated: its IDX header declares 3 dimensions"):
        read_idx(path)


@pytest.mark.parametrize("compressed", [False, True], ids=["raw", "gzip"])
def test_truncated_payload(tmp_path: Path, compressed: bool) -> None:
    data = struct.pack(">IIII", 0x0803, 10_000, 28, 28) + bytes(123)
    path = write(tmp_path, gzip.compress(data) if compressed else data, "train-images.gz")
    with pytest.raises(DataError) as info:
        read_idx(path)
    message = str(info.value)
    assert message.startswith(f"{path} is truncated: expected 7840000 bytes of pixels, found 123")


@pytest.mark.parametrize("compressed", [False, True], ids=["raw", "gzip"])
def test_trailing_bytes(tmp_path: Path, compressed: bool) -> None:
    data = struct.pack(">II", 0x0801, 3) + bytes([1, 2, 3]) + b"junk!"
    path = write(tmp_path, gzip.compress(data) if compressed else data)
    with pytest.raises(DataError, match="has 5 unexpected bytes after its 3 bytes of labels"):
        read_idx(path)


def test_wrong_length_for_wider_types(tmp_path: Path) -> None:
    # 3 float64 values need 24 bytes; 3 bytes (one per value) is the classic mistake.
    path = write(tmp_path, struct.pack(">BBBBI", 0, 0, 0x0E, 1, 3) + bytes(3))
    with pytest.raises(DataError, match="expected 24 bytes of labels, found 3"):
        read_idx(path)


def test_gz_name_but_not_gzip(tmp_path: Path) -> None:
    path = write(tmp_path, b"this is not gzip at all", "train-images-idx3-ubyte.gz")
    with pytest.raises(DataError, match="is not a valid gzip file") as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_corrupt_gzip(tmp_path: Path) -> None:
    data = struct.pack(">IIII", 0x0803, 4, 28, 28) + np.random.default_rng(0).bytes(4 * 784)
    packed = bytearray(gzip.compress(data, mtime=0))
    packed[len(packed) // 2] ^= 0xFF
    path = write(tmp_path, bytes(packed), "images.gz")
    with pytest.raises(DataError, match="is not a valid gzip file"):
        read_idx(path)


def test_cut_gzip(tmp_path: Path) -> None:
    data = struct.pack(">IIII", 0x0803, 4, 28, 28) + np.random.default_rng(0).bytes(4 * 784)
    packed = gzip.compress(data, mtime=0)
    path = write(tmp_path, packed[: len(packed) - 100], "images.gz")
    with pytest.raises(DataError, match="is not a valid gzip file: the compressed data ends early"):
        read_idx(path)


def test_damaged_gzip_header(tmp_path: Path) -> None:
    packed = bytearray(gzip.compress(idx_bytes(0x08, (2,), [1, 2])))
    packed[2] = 0x07  # compression method: only 8 (deflate) exists
    with pytest.raises(DataError, match="is not a valid gzip file"):
        read_idx(write(tmp_path, bytes(packed)))


# --- images and labels together ------------------------------------------------------------------


def test_load_images_labels(tmp_path: Path) -> None:
    images = np.arange(3 * 28 * 28, dtype=np.uint32).astype(np.uint8).reshape(3, 28, 28)
    labels = np.array([4, 0, 9], dtype=np.uint8)
    got_images, got_labels = load_images_labels(
        write_idx(tmp_path / "i.gz", images), write_idx(tmp_path / "l", labels)
    )
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)


def test_count_mismatch(tmp_path: Path) -> None:
    images = write_idx(tmp_path / "i.gz", np.zeros((3, 28, 28), np.uint8))
    labels = write_idx(tmp_path / "l.gz", np.zeros(2, np.uint8))
    with pytest.raises(DataError, match=r"holds 3 images but .*l\.gz holds 2 labels"):
        load_images_labels(images, labels)


def test_images_must_be_3d_uint8(tmp_path: Path) -> None:
    images = write_idx(tmp_path / "i.gz", np.zeros((3, 784), np.uint8))
    labels = write_idx(tmp_path / "l.gz", np.zeros(3, np.uint8))
    with pytest.raises(DataError, match="does not hold images: expected uint8 N×H×W, found uint8"):
        load_images_labels(images, labels)


def test_labels_must_be_1d_uint8(tmp_path: Path) -> None:
    images = write_idx(tmp_path / "i.gz", np.zeros((3, 28, 28), np.uint8))
    labels = write_idx(tmp_path / "l.gz", np.zeros(3, np.int32))
    with pytest.raises(DataError, match="does not hold labels: expected uint8 N, found int32 3"):
        load_images_labels(images, labels)
