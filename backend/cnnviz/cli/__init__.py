"""The `cnnviz` command.

Errors a user can fix (a busy port, a missing frontend) are one line on stderr and exit code 2,
like argparse's own usage errors; a traceback would only bury the message. The web stack is
imported inside `serve` (Celery inside `worker`), so `cnnviz --version` stays instant.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from cnnviz import __version__

from . import data, evaluate, predict, serve, train, worker
from .errors import EXIT_USAGE, CliError

#: One module per subcommand, each with `add_parser(subparsers)` that sets `func`.
COMMANDS = (serve, worker, train, evaluate, predict, data)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: the usage text is one `--help` away."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cnnviz", description="See how a convolutional network works.")
    parser.add_argument("--version", action="version", version=f"cnnviz {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )

    for command in COMMANDS:
        command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"cnnviz: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        # uvicorn re-raises the Ctrl+C it caught once it has shut down cleanly.
        return 130
    except BrokenPipeError:
        # The reader went away (`cnnviz evaluate --json | head`): stop quietly, and keep Python
        # from complaining again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
