"""IDX files: the format MNIST and Fashion-MNIST ship in, raw or gzip-compressed.

An IDX file is a 4-byte magic number, one big-endian uint32 per dimension, then the values in
row-major (C) order, big-endian:

    magic = 0x00 0x00 <type code> <number of dimensions>

    type code  0x08 uint8   0x09 int8     0x0B int16
               0x0C int32   0x0D float32  0x0E float64

Reading checks all of it: the two zero bytes, a known type code, at least one dimension, and a
payload of exactly product(dims) × itemsize bytes: a truncated download and trailing garbage are
both errors, named with the file, never silently reshaped. Whether a file is gzip is decided by
its first two bytes (1f 8b), not by its name.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

__all__ = [
    "IDX_TYPES",
    "DataError",
    "IdxHeader",
    "load_images_labels",
    "read_idx",
    "read_idx_header",
    "write_idx",
]

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20

#: IDX type code -> big-endian NumPy dtype, as the format defines them.
IDX_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODE_OF_KIND = {(dtype.kind, dtype.itemsize): code for code, dtype in IDX_TYPES.items()}
_KNOWN_CODES = ", ".join(f"0x{code:02X} {dtype.name}" for code, dtype in IDX_TYPES.items())


class DataError(ValueError):
    """A data file or folder is missing, damaged or not what it claims; the message says which."""


@dataclass(frozen=True)
class IdxHeader:
    """What an IDX header announces: the type code and the shape."""

    code: int
    shape: tuple[int, ...]

    @property
    def file_dtype(self) -> np.dtype:
        """The dtype as stored (big-endian)."""
        return IDX_TYPES[self.code]

    @property
    def dtype(self) -> np.dtype:
        """The dtype `read_idx` returns (native byte order)."""
        return self.file_dtype.newbyteorder("=")

    @property
    def header_bytes(self) -> int:
        return 4 + 4 * len(self.shape)

    @property
    def payload_bytes(self) -> int:
        return math.prod(self.shape) * self.file_dtype.itemsize


def _open(path: Path) -> tuple[BinaryIO, bool]:
    """Open `path` for reading, through gzip when its first two bytes say so."""
    try:
        with path.open("rb") as sniff:
            is_gzip = sniff.read(2) == GZIP_MAGIC
        return (gzip.open(path, "rb") if is_gzip else path.open("rb")), is_gzip
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from None


def _read(stream: BinaryIO, n: int, path: Path, is_gzip: bool) -> bytes:
    """Up to `n` bytes (fewer only at the end), with gzip damage reported as a DataError."""
    parts = []
    while n > 0:
        try:
            chunk = stream.read(min(n, _CHUNK))
        except (gzip.BadGzipFile, zlib.error) as exc:
            raise DataError(f"{path} is not a valid gzip file ({exc})") from None
        except EOFError:
            raise DataError(
                f"{path} is not a valid gzip file: the compressed data ends early "
                "(an interrupted download?)"
            ) from None
        except OSError as exc:
            if is_gzip:
                raise DataError(f"{path} is not a valid gzip file ({exc})") from None
            raise DataError(f"cannot read {path}: {exc.strerror or exc}") from None
        if not chunk:
            break
        parts.append(chunk)
        n -= len(chunk)
    return b"".join(parts)


def _parse_header(stream: BinaryIO, path: Path, is_gzip: bool) -> IdxHeader:
    head = _read(stream, 4, path, is_gzip)
    if not head:
        raise DataError(f"{path} is empty")
    if len(head) < 4 or head[0] != 0 or head[1] != 0:
        magic = head.hex()
        if not is_gzip and path.name.endswith(".gz"):
            raise DataError(
                f"{path} is not a valid gzip file (it starts with bytes {magic[:4] or 'nothing'},"
                " not 1f8b) and not an IDX file either"
            )
        raise DataError(
            f"{path} is not an IDX file (magic 0x{magic}; an IDX file starts with 0000, "
            "a type code and the number of dimensions)"
        )
    code, ndim = head[2], head[3]
    if code not in IDX_TYPES:
        raise DataError(f"{path} has an unknown IDX type code 0x{code:02X} (known: {_KNOWN_CODES})")
    if ndim == 0:
        raise DataError(f"{path} is not a valid IDX file: it declares 0 dimensions")
    dims = _read(stream, 4 * ndim, path, is_gzip)
    if len(dims) < 4 * ndim:
        raise DataError(
            f"{path} is truncated: its IDX header declares {ndim} dimensions "
            f"({4 + 4 * ndim} header bytes), found {4 + len(dims)} bytes"
        )
    return IdxHeader(code, struct.unpack(f">{ndim}I", dims))


def read_idx_header(path: str | os.PathLike) -> IdxHeader:
    """Read and validate only the header: cheap even for a 47 MB file (gzip included)."""
    path = Path(path)
    stream, is_gzip = _open(path)
    with stream:
        return _parse_header(stream, path, is_gzip)


def _what(shape: tuple[int, ...]) -> str:
    return "pixels" if len(shape) >= 3 else "labels" if len(shape) == 1 else "data"


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (raw or gzip) into a writable array in native byte order.

    Returns
    -------
    np.ndarray
        Shape as the header says (e.g. (N, 28, 28) images, (N,) labels), dtype from the type code.

    Raises
    ------
    DataError
        Unreadable file, invalid gzip, bad magic, unknown type code, or a payload whose length is
        not exactly what the dimensions announce.
    """
    path = Path(path)
    stream, is_gzip = _open(path)
    with stream:
        header = _parse_header(stream, path, is_gzip)
        expected = header.payload_bytes
        if not is_gzip:
            # The file size tells the payload length before anything is read: a damaged header
            # announcing terabytes fails here, not in an allocation.
            found = os.fstat(stream.fileno()).st_size - header.header_bytes
            if found != expected:
                _raise_length(path, header, found)
        # Grown chunk by chunk (a gzip header could announce any size), and a bytearray so the
        # array we return is writable without another copy.
        buffer = bytearray()
        while len(buffer) < expected:
            chunk = _read(stream, min(expected - len(buffer), _CHUNK), path, is_gzip)
            if not chunk:
                _raise_length(path, header, len(buffer))
            buffer += chunk
        # Reading past the end also makes gzip verify its CRC and length trailer.
        extra = len(_read(stream, 1, path, is_gzip))
        if extra:
            while chunk := _read(stream, _CHUNK, path, is_gzip):
                extra += len(chunk)
            _raise_length(path, header, expected + extra)
    array = np.frombuffer(buffer, dtype=header.file_dtype).reshape(header.shape)
    return array.astype(header.dtype, copy=False)


def _raise_length(path: Path, header: IdxHeader, found: int) -> None:
    expected = header.payload_bytes
    shape = "×".join(map(str, header.shape))
    what = _what(header.shape)
    header_says = f"the header says {shape} {header.dtype.name}"
    if found < expected:
        raise DataError(
            f"{path} is truncated: expected {expected} bytes of {what}, found {found} "
            f"({header_says})"
        )
    extra = found - expected
    raise DataError(
        f"{path} has {extra} unexpected byte{'s' if extra != 1 else ''} after its {expected} "
        f"bytes of {what} ({header_says})"
    )


def _code_of(dtype: np.dtype) -> int:
    code = _CODE_OF_KIND.get((dtype.kind, dtype.itemsize))
    if code is None:
        raise KeyError(dtype)
    return code


def write_idx(path: str | os.PathLike, array: np.ndarray, compress: bool | None = None) -> Path:
    """Write `array` as an IDX file; gzip it when `compress` is true (default: name ends in .gz).

    The dtype must be one IDX defines (uint8, int8, int16, int32, float32, float64); values are
    written big-endian. Gzip output has a zero timestamp, so equal arrays give equal bytes.
    """
    path = Path(path)
    array = np.asarray(array)
    try:
        code = _code_of(array.dtype)
    except KeyError:
        raise DataError(
            f"cannot write {path}: IDX has no type for dtype {array.dtype} (known: {_KNOWN_CODES})"
        ) from None
    if not 1 <= array.ndim <= 255:
        raise DataError(f"cannot write {path}: IDX needs 1 to 255 dimensions, got {array.ndim}")
    if any(n >= 2**32 for n in array.shape):
        raise DataError(f"cannot write {path}: a dimension does not fit in 32 bits")
    header = struct.pack(f">BBBB{array.ndim}I", 0, 0, code, array.ndim, *array.shape)
    payload = np.ascontiguousarray(array, dtype=IDX_TYPES[code]).tobytes()
    if compress is None:
        compress = path.name.endswith(".gz")
    with path.open("wb") as raw:
        if compress:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as stream:
                stream.write(header)
                stream.write(payload)
        else:
            raw.write(header)
            raw.write(payload)
    return path


def load_images_labels(
    images_path: str | os.PathLike, labels_path: str | os.PathLike
) -> tuple[np.ndarray, np.ndarray]:
    """Read an image file and its label file, checking they belong together.

    Returns
    -------
    images : np.ndarray, uint8, shape (N, H, W)
    labels : np.ndarray, uint8, shape (N,)
    """
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise DataError(
            f"{images_path} does not hold images: expected uint8 N×H×W, "
            f"found {images.dtype.name} {'×'.join(map(str, images.shape))}"
        )
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise DataError(
            f"{labels_path} does not hold labels: expected uint8 N, "
            f"found {labels.dtype.name} {'×'.join(map(str, labels.shape))}"
        )
    if len(images) != len(labels):
        raise DataError(
            f"{images_path} holds {len(images)} images but {labels_path} holds "
            f"{len(labels)} labels; they do not belong together"
        )
    return images, labels
