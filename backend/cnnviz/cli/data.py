"""`cnnviz data`: list the datasets on disk, download one.

Progress goes to stderr: a redrawn bar on a terminal, a few plain lines otherwise (so a CI log
stays readable); results go to stdout. Every DataError is one line and exit code 2.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import TextIO

from .errors import CliError

_REDRAW_S = 0.1
_BAR_WIDTH = 30


def add_parser(commands) -> None:
    from cnnviz.data import DATASETS

    names = ", ".join(DATASETS)
    parser = commands.add_parser(
        "data",
        help="list or download datasets",
        description="Datasets on disk: list them, download one.",
    )
    actions = parser.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    data_dir_help = "the data dir (default: $CNNVIZ_DATA_DIR, else the per-user cache dir)"

    listing = actions.add_parser(
        "list",
        help="show each dataset, its folder and which splits are present",
        description="Show each known dataset, its folder, and which splits are present.",
    )
    listing.add_argument("--data-dir", metavar="DIR", help=data_dir_help)
    listing.set_defaults(func=_list)

    download = actions.add_parser(
        "download",
        help="download a dataset",
        description="Download the files of a dataset that are missing, checking their md5.",
    )
    download.add_argument("name", metavar="NAME", help=f"the dataset: {names}")
    download.add_argument("--data-dir", metavar="DIR", help=data_dir_help)
    download.add_argument(
        "--mirror",
        metavar="URL",
        action="append",
        help="base URL to download from instead of the dataset's public mirrors, e.g. a local "
        "mirror (repeat to try several in order)",
    )
    download.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="S",
        help="seconds to wait for a server (default: %(default)s)",
    )
    download.set_defaults(func=_download)


def _describe_split(split) -> str:
    if split.missing:
        both = len(split.missing) == 2
        return "missing" if both else f"missing {'labels' if split.images.present else 'images'}"
    if split.error:
        return "damaged (see below)"
    text = f"{split.count:,} images"
    if split.official is True:
        return text + " (official)"
    if split.official is False:
        return text + " (not the official file)"
    return text + " (uncompressed)"


def _list(args: argparse.Namespace) -> int:
    from cnnviz.data import DATASETS, DataError, data_dir, dataset_status
    from cnnviz.data.store import ENV_DATA_DIR

    try:
        root = args.data_dir if args.data_dir else data_dir()
        statuses = [dataset_status(name, root) for name in DATASETS]
    except DataError as exc:
        raise CliError(str(exc)) from None

    rows = [("DATASET", "TRAIN", "TEST", "FOLDER")]
    for status in statuses:
        rows.append(
            (
                status.info.name,
                _describe_split(status.splits["train"]),
                _describe_split(status.splits["test"]),
                str(status.folder),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)]
        print("  ".join([*cells, row[3]]))

    if args.data_dir:
        source = "--data-dir"
    elif os.environ.get(ENV_DATA_DIR):
        source = ENV_DATA_DIR
    else:
        source = f"the per-user cache dir; set {ENV_DATA_DIR} to use another"
    print(f"\ndata dir: {root} ({source})")
    for status in statuses:
        for split in status.splits.values():
            if split.error:
                print(f"{status.info.name} {split.split}: {split.error}")
    missing = [s.info.name for s in statuses if not s.complete]
    if missing:
        print(f"download one with: cnnviz data download {missing[0]}")
    return 0


class ProgressBar:
    """Download progress on `stream`: a redrawn bar on a terminal, else a line every 25%."""

    def __init__(self, stream: TextIO, tty: bool | None = None) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self._line_open = False
        self._last_draw = 0.0
        self._next_step = 0

    def __call__(self, name: str, done: int, total: int | None) -> None:
        if done == 0:
            self._next_step = 0
        finished = total is not None and done >= total
        if self.tty:
            now = time.monotonic()
            if done and not finished and now - self._last_draw < _REDRAW_S:
                return
            self._last_draw = now
            self.stream.write("\r" + _bar_line(name, done, total))
            self._line_open = True
            if finished:
                self.end_line()
            self.stream.flush()
            return
        # Plain lines: at 0%, 25%, 50%, 75%, 100% (or every 5 MB when the size is unknown).
        if total:
            percent = 100 * done // total
            if percent < self._next_step:
                return
            self._next_step = (percent // 25 + 1) * 25
            self.stream.write(f"{name}: {percent}% ({_amounts(done, total, ' of ')})\n")
        else:
            if done < self._next_step:
                return
            self._next_step = done + 5_000_000
            self.stream.write(f"{name}: {_amounts(done, None)}\n")
        self.stream.flush()

    def log(self, message: str) -> None:
        self.end_line()
        self.stream.write(message + "\n")
        self.stream.flush()

    def end_line(self) -> None:
        if self._line_open:
            self.stream.write("\n")
            self._line_open = False


def _amounts(done: int, total: int | None, sep: str = "/") -> str:
    """ "0.5/9.9 MB", or in kB when the total is under a megabyte (label files are 5 kB)."""
    scale, unit = (1e3, "kB") if (total if total is not None else done) < 1e6 else (1e6, "MB")
    if total is None:
        return f"{done / scale:.1f} {unit}"
    return f"{done / scale:.1f}{sep}{total / scale:.1f} {unit}"


def _bar_line(name: str, done: int, total: int | None) -> str:
    if not total:
        return f"{name}  {_amounts(done, None)}"
    fraction = min(done / total, 1.0)
    filled = round(fraction * _BAR_WIDTH)
    bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
    return f"{name}  [{bar}] {100 * fraction:3.0f}%  {_amounts(done, total)}"


def _download(args: argparse.Namespace) -> int:
    from cnnviz.data import DataError, download_dataset, get_dataset

    if args.timeout <= 0:
        raise CliError(f"--timeout must be positive, got {args.timeout}")
    bar = ProgressBar(sys.stderr)
    try:
        info = get_dataset(args.name)
        result = download_dataset(
            info,
            args.data_dir,
            mirrors=args.mirror,
            progress=bar,
            timeout=args.timeout,
            log=bar.log,
        )
    except DataError as exc:
        bar.end_line()
        raise CliError(str(exc)) from None
    if result.downloaded:
        size = _amounts(result.bytes_downloaded, None)
        print(
            f"{info.title} is ready in {result.folder} "
            f"(downloaded {len(result.downloaded)} files, {size})"
        )
    else:
        print(f"{info.title} is already in {result.folder}; nothing to download")
    return 0
