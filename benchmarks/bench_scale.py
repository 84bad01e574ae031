"""What a broker buys on one machine: predictions with 1 and 2 API processes, and a class of
students training at once with 1 and 2 worker slots.

    python benchmarks/bench_scale.py                  # the issue's run (several minutes)
    python benchmarks/bench_scale.py --seconds 2 --students 4 --within 1   # a quick look

Needs Debian's `redis-server` and the real MNIST at $CNNVIZ_DATA_DIR (else ../shared/data beside
the clone). Starts its own Redis on a free loopback port and its own `cnnviz serve` and `cnnviz
worker` processes, through the test harness's helpers (tests/redis_server.py,
tests/celery_workers.py: a free port, readiness with a deadline, nothing left running), so this
script and the tests start the cluster the same way.

1. Predictions: `cnnviz serve --workers N --broker URL` for N = 1, 2; 32 clients in a closed loop
   (each posts the Draw view's canvas PNG as soon as its last answer is in; bench_api's `load`)
   for S seconds after a warm-up: predictions per second and p50/p99 latency.
2. A class: one API process; `--students` students each start a small job (classes 0 and 1,
   `--train-size` digits, 1 epoch) at a random moment within `--within` seconds, first with one
   worker at --concurrency 1, then with two: the time from the first job sent to the last one
   done, the wait in the queue of each job (its record, GET /api/train: created → started, when
   a worker took it), p50 and p95, and how long a job ran (started → finished). The ratio of
   the two class times is the issue's target (≤ 0.6 on a 2-core machine); the class arrives over
   `--within` seconds, so no concurrency finishes it sooner than that.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from bench_api import call, canvas_payload, load, show, start_server, stop_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the test harness's Redis and worker helpers (see the docstring)

from tests.celery_workers import CeleryWorker  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402

from cnnviz.data.store import ENV_DATA_DIR  # noqa: E402

#: A student's small job, as the issue sets it: zeros against ones, 1 epoch.
SMALL_JOB = {"model": "simple", "dataset": "mnist", "classes": [0, 1], "epochs": 1}
#: How long the class may take, all jobs, before the run gives up.
CLASS_TIMEOUT_S = 1800.0


def data_dir() -> Path:
    folder = Path(os.environ.get(ENV_DATA_DIR) or ROOT.parent / "shared" / "data").expanduser()
    if not (folder / "mnist" / "train-images-idx3-ubyte.gz").is_file():
        raise SystemExit(f"no MNIST in {folder}/mnist: set {ENV_DATA_DIR} to a folder that has it")
    return folder


def predictions(
    env: dict[str, str], folder: Path, broker: str, processes: int, args: argparse.Namespace
) -> dict:
    """Closed-loop predictions against `cnnviz serve --workers processes --broker broker`."""
    serve_args = ["--workers", str(processes), "--broker", broker]
    server, port = start_server(env, folder / f"serve-{processes}.log", args=serve_args)
    try:
        body = canvas_payload()
        load(port, args.clients, min(args.seconds, 2.0), body, 0.0)  # warm up every process
        return load(port, args.clients, args.seconds, body, 0.0)
    finally:
        stop_server(server)


def send_class(port: int, students: int, within: float, train_size: int) -> list[str]:
    """`students` jobs, each POSTed at its own random moment within `within` seconds (a class
    pressing Train), from one thread each; their ids."""
    moments = np.sort(np.random.default_rng(0).random(students) * within)
    ids: list[str] = []
    refused: list[object] = []
    lock = threading.Lock()
    start = time.monotonic()

    def student(moment: float) -> None:
        time.sleep(max(0.0, start + moment - time.monotonic()))
        status, job = call(port, "POST", "/api/train", {**SMALL_JOB, "train_size": train_size})
        with lock:
            if status == 202:
                ids.append(job["id"])
            else:
                refused.append((status, job))

    threads = [threading.Thread(target=student, args=(moment,)) for moment in moments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(within + 60)
    if refused:
        raise SystemExit(f"{len(refused)} jobs were refused: {refused[:3]}")
    return ids


def wait_for_class(port: int, ids: list[str]) -> list[dict]:
    """Every job's record (GET /api/train) once all have ended, read every 0.5 s with a
    deadline."""
    deadline = time.monotonic() + CLASS_TIMEOUT_S
    wanted = set(ids)
    while True:
        status, listed = call(port, "GET", "/api/train")
        records = [job for job in listed or [] if job["id"] in wanted]
        if status == 200 and len(records) == len(ids) and all(job["finished"] for job in records):
            return records
        if time.monotonic() > deadline:
            raise SystemExit(f"the class was not done within {CLASS_TIMEOUT_S:g} s")
        time.sleep(0.5)


def a_class(
    env: dict[str, str], folder: Path, redis: RedisServer, workers: int, args: argparse.Namespace
) -> dict:
    """The class with `workers` workers at --concurrency 1 and one API process."""
    redis.flush()
    pool = [CeleryWorker(redis.url, folder, concurrency=1, env=env) for _ in range(workers)]
    for worker in pool:
        worker.start()
    server, port = start_server(env, folder / f"class-{workers}.log", args=["--broker", redis.url])
    try:
        ids = send_class(port, args.students, args.within, args.train_size)
        records = wait_for_class(port, ids)
    finally:
        stop_server(server)
        for worker in pool:
            worker.stop()
    failed = [record for record in records if record["state"] != "done"]
    if failed:
        raise SystemExit(f"{len(failed)} jobs did not finish done: {failed[0]['error']}")
    created, started, finished = (
        np.array([record[field] for record in records])
        for field in ("created", "started", "finished")
    )
    waits = started - created
    return {
        "seconds": float(finished.max() - created.min()),
        "run_p50": float(np.percentile(finished - started, 50)),
        "wait_p50": float(np.percentile(waits, 50)),
        "wait_p95": float(np.percentile(waits, 95)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15.0, help="prediction load per phase")
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--within", type=float, default=10.0, help="seconds the class starts in")
    parser.add_argument("--train-size", type=int, default=500)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cnnviz-scale-") as tmp:
        folder = Path(tmp)
        with RedisServer(folder) as redis:
            run(folder, redis, args)


def run(folder: Path, redis: RedisServer, args: argparse.Namespace) -> None:
    """Both measurements, printed as they finish."""
    env = {
        **os.environ,
        ENV_DATA_DIR: str(data_dir()),
        "CNNVIZ_MODELS_DIR": str(folder / "models"),
    }
    print(f"{os.cpu_count()} CPUs; Redis on {redis.url}")
    print(f"predictions: {args.clients} clients, closed loop, {args.seconds:g} s per phase")
    served = {}
    for processes in (1, 2):
        served[processes] = predictions(env, folder, redis.url, processes, args)
        show(f"{processes} API process{'es' if processes > 1 else ''}", served[processes])
    if served[1].get("rps") and served[2].get("rps"):
        print(f"2 processes / 1: {served[2]['rps'] / served[1]['rps']:.2f}x predictions/s")

    print(
        f"a class: {args.students} students start a job (0 vs 1, {args.train_size} digits, "
        f"1 epoch) within {args.within:g} s"
    )
    times = {}
    for workers in (1, 2):
        result = a_class(env, folder, redis, workers, args)
        times[workers] = result["seconds"]
        print(
            f"concurrency {workers}: all done in {result['seconds']:6.1f} s, wait in the "
            f"queue p50 {result['wait_p50']:6.1f} s, p95 {result['wait_p95']:6.1f} s; each "
            f"job ran (claimed to finished) p50 {result['run_p50']:.2f} s"
        )
    ratio = times[2] / times[1]
    print(f"concurrency 2 / concurrency 1: {ratio:.2f} of the time (target ≤ 0.6)")


if __name__ == "__main__":
    main()
