"""Job records on disk, one JSON file each (`<jobs dir>/<id>.json`), written whole or not at all:
a temporary file in the same folder, flushed, then renamed over the record, so a crash or a full
disk never leaves half a record. Temporary files a crash left behind are removed when the records
are read back."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

TEMPORARY_SUFFIX = ".tmp"


def write_record(folder: Path, name: str, record: dict[str, Any]) -> None:
    """Replace `<folder>/<name>.json` with `record` atomically; raises OSError (nothing left)."""
    text = json.dumps(record, separators=(",", ":"))
    folder.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=TEMPORARY_SUFFIX)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, folder / f"{name}.json")
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def read_records(folder: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(name, record) of every readable record in `folder`; unreadable ones are skipped."""
    if not folder.is_dir():
        return
    for leftover in folder.glob(f".*{TEMPORARY_SUFFIX}"):
        with contextlib.suppress(OSError):
            leftover.unlink()
    for path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict):
            yield path.stem, record
