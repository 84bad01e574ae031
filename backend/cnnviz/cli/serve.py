"""`cnnviz serve`: the API and the frontend under uvicorn."""

import argparse
import contextlib
import errno
import os
import socket
import sys

from cnnviz import __version__

from .errors import CliError

APP_FACTORY = "cnnviz.api.main:create_app"
SHUTDOWN_GRACE_SECONDS = 3
#: uvicorn's httptools protocol with the settings' connection, header and time limits.
HTTP_PROTOCOL = "cnnviz.api.protocol:LimitedHttpToolsProtocol"


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port out of range 0-65535: {port}")
    return port


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "serve", help="run the web app", description="Serve the API and the frontend."
    )
    parser.add_argument("--host", help="address to bind (default: $CNNVIZ_HOST, else 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8000, help="port (default: %(default)s)")
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="log every request (off by default: a class drawing sends hundreds a second)",
    )
    parser.set_defaults(func=_serve)


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


def _raise_descriptor_limit() -> None:
    """Let the process open as many files and sockets as the system allows it (the soft limit up
    to the hard one, as Go programs do at start-up). The connection limit bounds the connections
    the server keeps; this leaves room for the ones it refuses, which are open until it has
    answered them, when a burst of clients arrives at once."""
    try:
        import resource
    except ImportError:  # Windows: no such limit
        return
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # macOS refuses an unlimited hard limit: the soft one stays.
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from cnnviz.settings import HOST_ENV, SettingsError, get_settings

    if args.host:
        # The app reads where it listens from its settings (it decides which Host headers the
        # server answers to), and uvicorn builds the app in this process, from the environment.
        os.environ[HOST_ENV] = args.host
    try:
        # Read and checked here, so a bad setting is one line, not a traceback.
        host = get_settings().listen_host
    except SettingsError as exc:
        raise CliError(str(exc)) from None

    _raise_descriptor_limit()
    sock = _listen(host, args.port)
    port = sock.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    print(
        f"cnnviz {__version__} serving on http://{shown_host}:{port} (Ctrl+C to stop)",
        file=sys.stderr,
        flush=True,
    )
    # The app and the protocol by their import paths: the command line does not import the web
    # layer itself. No WebSocket support: the app has no WebSocket route.
    # Open event streams never end by themselves: on Ctrl+C they get a few seconds, then the
    # server shuts down anyway (and stops the training workers with it).
    config = uvicorn.Config(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        http=HTTP_PROTOCOL,
        ws="none",
        access_log=args.access_log,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
    )
    server = uvicorn.Server(config)
    with sock:
        server.run(sockets=[sock])
    if not server.started:
        raise CliError("the server did not start (see the log above)")
    return 0
