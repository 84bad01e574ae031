"""`cnnviz serve`: the API and the frontend under uvicorn, in one process or, with a broker,
in several that share the listening socket."""

import argparse
import contextlib
import errno
import os
import socket
import sys

from cnnviz import __version__

from . import argtypes
from .errors import CliError

APP_FACTORY = "cnnviz.api.main:create_app"
SHUTDOWN_GRACE_SECONDS = 3
#: uvicorn's httptools protocol with the settings' connection, header and time limits.
HTTP_PROTOCOL = "cnnviz.api.protocol:LimitedHttpToolsProtocol"
#: Why several processes need a broker: the embedded jobs live in one process's memory.
WORKERS_NEED_BROKER = (
    "--workers {n} needs a broker: without one each process would run its own jobs that the "
    "others cannot see; pass --broker redis://HOST:6379/0 or set CNNVIZ_BROKER_URL"
)


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "serve", help="run the web app", description="Serve the API and the frontend."
    )
    parser.add_argument("--host", help="address to bind (default: $CNNVIZ_HOST, else 127.0.0.1)")
    parser.add_argument(
        "--port", type=argtypes.port, default=8000, help="port (default: %(default)s)"
    )
    parser.add_argument(
        "--broker",
        metavar="URL",
        help="Redis that holds the training jobs, run by `cnnviz worker` processes "
        "(default: $CNNVIZ_BROKER_URL, else jobs run under this server)",
    )
    parser.add_argument(
        "--workers",
        type=argtypes.count,
        default=1,
        metavar="N",
        help="server processes sharing the port (more than 1 needs --broker; default: 1)",
    )
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

    from cnnviz.settings import (
        BROKER_URL_ENV,
        HOST_ENV,
        SettingsError,
        check_broker_url,
        get_settings,
    )

    try:
        # The app reads where it listens and its broker from its settings, and uvicorn builds
        # the app from the environment, in this process or in each worker process it starts.
        if args.host:
            os.environ[HOST_ENV] = args.host
        if args.broker:
            os.environ[BROKER_URL_ENV] = check_broker_url(args.broker, "--broker")
        # Read and checked here, so a bad setting is one line, not a traceback.
        settings = get_settings()
    except SettingsError as exc:
        raise CliError(str(exc)) from None
    if args.workers > 1 and not settings.broker_url:
        raise CliError(WORKERS_NEED_BROKER.format(n=args.workers))
    host = settings.listen_host

    _raise_descriptor_limit()
    sock = _listen(host, args.port)
    port = sock.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    processes = f" in {args.workers} processes" if args.workers > 1 else ""
    print(
        f"cnnviz {__version__} serving on http://{shown_host}:{port}{processes} (Ctrl+C to stop)",
        file=sys.stderr,
        flush=True,
    )
    # The app and the protocol by their import paths: the command line does not import the web
    # layer itself, and each server process of --workers imports them anew. No WebSocket
    # support: the app has no WebSocket route. Open event streams never end by themselves: on
    # Ctrl+C they get a few seconds, then the server shuts down anyway (and stops the training
    # workers with it).
    config = uvicorn.Config(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        http=HTTP_PROTOCOL,
        ws="none",
        access_log=args.access_log,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
        workers=args.workers,
    )
    with sock:
        started = _run_many(config, sock) if args.workers > 1 else _run_one(config, sock)
    if not started:
        raise CliError("the server did not start (see the log above)")
    return 0


def _run_one(config, sock: socket.socket) -> bool:
    import uvicorn

    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    return server.started


def _run_many(config, sock: socket.socket) -> bool:
    """uvicorn's supervisor: `config.workers` processes accept on the one socket bound here, a
    process that dies is replaced, Ctrl+C or SIGTERM stops them all. False when uvicorn says a
    process failed to start (its app factory or lifespan refused): the supervisor then stops
    rather than start one that would fail the same way."""
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    supervisor = Multiprocess(config, sockets=[sock])
    supervisor.run()
    return all(process.exitcode != STARTUP_FAILURE for process in supervisor.processes)
