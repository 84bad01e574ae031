"""The `cnnviz` command.

Errors a user can fix (a busy port, a missing frontend) are one line on stderr and exit code 2,
like argparse's own usage errors; a traceback would only bury the message. The web stack is
imported inside `serve`, so `cnnviz --version` stays instant.
"""

from __future__ import annotations

import argparse
import errno
import socket
import sys
from collections.abc import Sequence
from typing import NoReturn

from cnnviz import __version__

EXIT_USAGE = 2


class CliError(Exception):
    """A failure the user can act on; the message is the whole story."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: the usage text is one `--help` away."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port out of range 0-65535: {port}")
    return port


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cnnviz", description="See how a convolutional network works.")
    parser.add_argument("--version", action="version", version=f"cnnviz {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )

    serve = commands.add_parser(
        "serve", help="run the web app", description="Serve the API and the frontend."
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    serve.add_argument("--port", type=_port, default=8000, help="port (default: %(default)s)")
    serve.set_defaults(func=_serve)
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


def _listen(host: str, port: int) -> socket.socket:
    """Bind and listen before handing the socket to uvicorn.

    Binding ourselves lets us report a busy port as one line (uvicorn would log it and exit 1),
    and there is no window between checking the port and using it.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise CliError(f"cannot resolve host {host!r}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    # As uvicorn does: a restart is not blocked by the previous run's TIME_WAIT connections.
    # A port another process is listening on still fails with EADDRINUSE.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(socket.SOMAXCONN)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise CliError(
                f"port {port} on {host} is already in use; stop the other server or pass --port"
            ) from None
        raise CliError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from cnnviz.api.settings import SettingsError

    try:
        from cnnviz.api.main import app
    except SettingsError as exc:
        raise CliError(str(exc)) from None

    sock = _listen(args.host, args.port)
    port = sock.getsockname()[1]
    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"cnnviz {__version__} serving on http://{shown_host}:{port} (Ctrl+C to stop)",
        file=sys.stderr,
        flush=True,
    )
    server = uvicorn.Server(uvicorn.Config(app, host=args.host, port=port))
    with sock:
        server.run(sockets=[sock])
    if not server.started:
        raise CliError("the server did not start (see the log above)")
    return 0
