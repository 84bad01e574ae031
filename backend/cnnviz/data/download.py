"""Downloading a dataset's files from its mirrors, verified and atomic.

Each missing file is fetched from the mirrors in order, streamed to `<file>.part` while its md5 is
computed, and renamed to its final name only once the md5 is the official one. A failed or
interrupted download never leaves a file under the final name, and its `.part` is removed.
Files already present (under either name `store.find_file` accepts) are left alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cnnviz import __version__

from .idx import DataError
from .registry import DataFile, DatasetInfo, get_dataset
from .store import dataset_dir, find_file

__all__ = ["DEFAULT_TIMEOUT_S", "DownloadResult", "Progress", "download_dataset"]

#: Seconds to wait for a connection, or for the next bytes of a response.
DEFAULT_TIMEOUT_S = 30.0
_CHUNK = 64 * 1024

#: progress(file_name, done_bytes, total_bytes or None), called as bytes arrive.
Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class DownloadResult:
    folder: Path
    downloaded: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    bytes_downloaded: int = 0


class _AttemptError(Exception):
    """One mirror failed for one file; `reachable` is False when no server answered at all."""

    def __init__(self, reason: str, *, reachable: bool, got_md5: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.reachable = reachable
        self.got_md5 = got_md5


class _LocalError(Exception):
    """Writing on this machine failed: no other mirror would help."""


def _describe(exc: BaseException) -> str:
    """A short reason for a network error: "connection refused", "timed out", ..."""
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        if not isinstance(exc.reason, BaseException):
            return str(exc.reason)
        exc = exc.reason
    if isinstance(exc, socket.gaierror):
        return "cannot resolve the host name"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(exc, ConnectionResetError):
        return "the connection was reset"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error ({exc.reason or exc})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


def _fetch(
    url: str, part: Path, file: DataFile, timeout: float, progress: Progress | None
) -> tuple[str, int]:
    """Stream `url` into `part`; return its md5 and length. Raise _AttemptError or _LocalError."""
    request = urllib.request.Request(url, headers={"User-Agent": f"cnnviz/{__version__}"})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the response and its socket
        raise _AttemptError(f"HTTP {exc.code} {exc.reason}", reachable=True) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise _AttemptError(_describe(exc), reachable=False) from None

    digest = hashlib.md5(usedforsecurity=False)
    done = 0
    with response:
        length = response.headers.get("Content-Length")
        declared = int(length) if length and length.isdigit() else None
        total = declared if declared is not None else file.size
        try:
            out = part.open("wb")
        except OSError as exc:
            raise _LocalError(f"cannot write {part}: {exc.strerror or exc}") from None
        with out:
            if progress:
                progress(file.name, 0, total)
            while True:
                try:
                    chunk = response.read(_CHUNK)
                except (OSError, http.client.HTTPException) as exc:
                    raise _AttemptError(
                        f"{_describe(exc)} after {done} bytes", reachable=True
                    ) from None
                if not chunk:
                    break
                try:
                    out.write(chunk)
                except OSError as exc:
                    raise _LocalError(f"cannot write {part}: {exc.strerror or exc}") from None
                digest.update(chunk)
                done += len(chunk)
                if progress:
                    progress(file.name, done, total)
    if declared is not None and done != declared:
        raise _AttemptError(
            f"the connection closed after {done} of {declared} bytes", reachable=True
        )
    return digest.hexdigest(), done


def download_dataset(
    name: str | DatasetInfo,
    root: str | os.PathLike | None = None,
    mirrors: Sequence[str] | None = None,
    progress: Progress | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
    *,
    log: Callable[[str], None] | None = None,
) -> DownloadResult:
    """Download the files of dataset `name` missing from its folder under `root`.

    Parameters
    ----------
    name : a key of `registry.DATASETS`, or a DatasetInfo (its md5s are what is checked).
    root : the data dir (default `store.data_dir()`); files go to `<root>/<name>/`.
    mirrors : base URLs tried in order for each file (default: the dataset's own).
    progress : called as `progress(file_name, done_bytes, total_bytes_or_None)`.
    timeout : seconds to wait for a connection or for the next bytes.
    log : called with one-line messages (which URL is tried, why a mirror failed).

    Raises
    ------
    DataError
        No mirror reachable, every mirror failed or served a file with the wrong md5, or the
        folder is not writable. The message lists what was tried and what to do.
    """
    info = get_dataset(name)
    mirrors = tuple(mirrors) if mirrors else info.mirrors
    if not mirrors:
        raise DataError(f"no mirror to download {info.title} from")
    for mirror in mirrors:
        if not mirror.startswith(("http://", "https://")):
            raise DataError(f"mirror {mirror!r} is not an http:// or https:// URL")
    folder = dataset_dir(info, root)
    say = log or (lambda message: None)

    downloaded, skipped, total_bytes = [], [], 0
    for file in info.files:
        present = find_file(folder, file)
        if present is not None:
            say(f"{present.name} is already in {folder}")
            skipped.append(present)
            continue
        try:
            created = not folder.is_dir()
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DataError(f"cannot create {folder}: {exc.strerror or exc}") from None
        final = folder / file.name
        part = folder / (file.name + ".part")
        failures: list[tuple[str, _AttemptError]] = []
        for mirror in mirrors:
            url = mirror.rstrip("/") + "/" + file.name
            say(f"downloading {url}")
            try:
                got_md5, size = _fetch(url, part, file, timeout, progress)
                if got_md5 != file.md5:
                    raise _AttemptError(f"wrong md5 {got_md5}", reachable=True, got_md5=got_md5)
                os.replace(part, final)
            except _AttemptError as failure:
                failures.append((url, failure))
                say(f"{url} failed: {failure.reason}")
                continue
            except _LocalError as exc:
                raise DataError(str(exc)) from None
            except OSError as exc:  # os.replace
                raise DataError(f"cannot write {final}: {exc.strerror or exc}") from None
            finally:
                part.unlink(missing_ok=True)
            downloaded.append(final)
            total_bytes += size
            break
        else:
            if created and not downloaded:
                # Leave no empty dataset folder behind a download that got nothing.
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise DataError(_failure_message(info, file, folder, failures))
    return DownloadResult(folder, downloaded, skipped, total_bytes)


def _failure_message(
    info: DatasetInfo, file: DataFile, folder: Path, failures: list[tuple[str, _AttemptError]]
) -> str:
    tried = "; ".join(f"{url} ({failure.reason})" for url, failure in failures)
    copy_hint = f"copy the four files ({', '.join(f.name for f in info.files)}) into {folder}"
    if all(failure.got_md5 for _, failure in failures):
        got = ", ".join(dict.fromkeys(failure.got_md5 for _, failure in failures))
        return (
            f"{file.name} has the wrong checksum on every mirror: expected md5 {file.md5}, "
            f"got {got} (tried {', '.join(url for url, _ in failures)}); something between "
            f"here and the mirrors may be answering instead of them (a proxy's or hotspot's login "
            f"page): check the connection, or {copy_hint}"
        )
    if not any(failure.reachable for _, failure in failures):
        return (
            f"no mirror could be reached to download {file.name} of {info.title}: tried {tried}; "
            f"check your internet connection or proxy (HTTPS_PROXY / HTTP_PROXY), "
            f"or {copy_hint}"
        )
    return (
        f"could not download {file.name} of {info.title}: tried {tried}; try again later, "
        f"or {copy_hint}"
    )
