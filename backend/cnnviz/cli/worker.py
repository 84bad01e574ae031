"""`cnnviz worker`: a Celery worker that trains the jobs a `cnnviz serve --broker` queues.

Run one on each machine that should train, pointed at the same Redis; the machine must see the
models and datasets folders at the paths the API gives (a shared volume). Celery and redis are
imported only here, when the command runs: the embedded mode never needs them.
"""

import argparse
import os

from . import argtypes
from .errors import CliError

#: What the worker needs and how to give it; `cnnviz serve` takes the same URL.
NO_BROKER = (
    "cnnviz worker needs a broker: pass --broker redis://HOST:6379/0 (the Redis the server's "
    "--broker names) or set CNNVIZ_BROKER_URL"
)


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "worker",
        help="train the jobs a server with a broker queues",
        description="Run a Celery worker that trains the jobs queued on a Redis broker.",
    )
    parser.add_argument(
        "--broker", metavar="URL", help="the Redis URL (default: $CNNVIZ_BROKER_URL)"
    )
    parser.add_argument(
        "--concurrency",
        type=argtypes.count,
        default=os.cpu_count() or 1,
        metavar="N",
        help="jobs this worker trains at once (default: the cores, %(default)s)",
    )
    parser.set_defaults(func=_worker)


def _worker(args: argparse.Namespace) -> int:
    from cnnviz.settings import BROKER_URL_ENV, SettingsError, check_broker_url

    try:
        if args.broker:
            broker_url = check_broker_url(args.broker, "--broker")
        else:
            broker_url = check_broker_url(os.environ.get(BROKER_URL_ENV))
    except SettingsError as exc:
        raise CliError(str(exc)) from None
    if not broker_url:
        raise CliError(NO_BROKER)

    from cnnviz.tasks.distributed.celery_app import worker_main

    worker_main(broker_url, args.concurrency)
    return 0
