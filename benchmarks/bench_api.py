"""Prediction latency over loopback, alone and while training jobs run: training never starves
predictions.

    python benchmarks/bench_api.py                        # 8 clients, 5 s per phase
    python benchmarks/bench_api.py --clients 32 --seconds 30   # the issue's acceptance run

Starts `cnnviz serve` on 127.0.0.1 (a port it picks) in a subprocess, so the latency is that of
the protocol, headers and limits production runs, with a temporary models dir and a made-up
MNIST-format training set (so no download is needed), then
1. drives `POST /api/models/lenet5-mnist/predict` from N concurrent clients for S seconds with no
   training job (each client posts the Draw view's canvas PNG every 250 ms, as a drawing
   student's browser does; see `load` and the flags);
2. starts 2 training jobs (LeNet-5, long) through `POST /api/train`, waits for their first steps,
   and drives the same load again;
3. stops the jobs and the server. Prints p50/p95/p99 latency, requests/s, errors, the ratios, and
   how many steps the jobs trained meanwhile. Bounded: every phase has a deadline; loopback only.
"""

import argparse
import base64
import http.client
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from subprocess import Popen

import numpy as np
from PIL import Image, ImageDraw

from cnnviz.data import write_idx

HOST = "127.0.0.1"
#: The server as a user starts it, on a port it picks (and prints).
SERVE = [sys.executable, "-m", "cnnviz", "serve", "--host", HOST, "--port", "0"]
LISTENING = re.compile(rb"serving on http://127\.0\.0\.1:(\d+)")
PREDICT = "/api/models/lenet5-mnist/predict"
#: The frontend sends a live prediction at most this often while a stroke is drawn
#: (PREDICT_INTERVAL_MS in frontend/js/views/draw.js), so one drawing student is one such client.
INTERVAL_MS = 250.0


def make_dataset(root: Path, n: int = 2000) -> None:
    folder = root / "mnist"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for prefix, count in (("train", n), ("t10k", 200)):
        labels = (np.arange(count) % 10).astype(np.uint8)
        images = (rng.random((count, 28, 28)) * 80).astype(np.uint8)
        images[np.arange(count), labels * 2 + 3, :] = 255
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", images)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", labels)


def send(conn: http.client.HTTPConnection, method: str, path: str, data: bytes | None = None):
    """(status, raw body): the load loop sends pre-encoded bodies and skips JSON decoding, so the
    client spends its CPU on requests, not on (de)serializing them."""
    headers = {"Content-Type": "application/json"} if data else {}
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def request(conn: http.client.HTTPConnection, method: str, path: str, body=None):
    status, payload = send(conn, method, path, None if body is None else json.dumps(body).encode())
    return status, (json.loads(payload) if payload else None)


def call(port: int, method: str, path: str, body=None):
    """One request on a fresh connection (an idle keep-alive one may have been closed)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        return request(conn, method, path, body)
    finally:
        conn.close()


def start_server(
    env: dict[str, str], log: Path, timeout: float = 60.0, args: Sequence[str] = ()
) -> tuple[Popen, int]:
    """`cnnviz serve` and `args` (`--workers 2`) on a port it picks, its output in `log`: the
    process and its port, once /api/health answers."""
    with log.open("wb") as out:
        server = Popen([*SERVE, *args], env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline, port = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode}:\n{log.read_text()}")
        if port is None and (found := LISTENING.search(log.read_bytes())):
            port = int(found.group(1))
        if port is not None:
            try:
                if call(port, "GET", "/api/health")[0] == 200:
                    return server, port
            except (OSError, http.client.HTTPException):
                pass
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit(f"the server did not start in time:\n{log.read_text()}")


def stop_server(server: Popen) -> None:
    server.terminate()
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(15)


def canvas_payload() -> bytes:
    """What the frontend sends on every live prediction: the 280×280 canvas as a PNG data URL,
    here a "1" drawn in black on a transparent background."""
    canvas = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).line([(140, 40), (140, 240)], fill=(0, 0, 0, 255), width=18)
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG")
    return json.dumps(
        {"image": "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()}
    ).encode()


def pixels_payload() -> bytes:
    pixels = np.zeros((28, 28))
    pixels[4:24, 12:16] = 1.0  # a "1"
    return json.dumps({"pixels": pixels.tolist()}).encode()


PAYLOADS = {"image": canvas_payload, "pixels": pixels_payload}


def load(port: int, clients: int, seconds: float, body: bytes, interval: float) -> dict:
    """N clients, each on its own keep-alive connection, posting predictions for `seconds`.

    With `interval` > 0 each client is a student drawing: it sends a request every `interval`
    seconds (never two at once; its first tick at a random phase), and a request's latency
    runs from its tick, so a reply that comes late also delays the next one's count (no
    coordinated omission). With `interval` 0 each client sends the next request as soon as
    the last reply is in: the server's throughput, and by Little's law a latency of
    clients / throughput.
    """
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    phases = np.random.default_rng(0).random(clients) * interval

    def client(phase: float) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine, bad = [], 0
        tick = time.perf_counter() + phase
        while time.monotonic() < stop_at:
            if interval:
                time.sleep(max(0.0, tick - time.perf_counter()))
            started = tick if interval else time.perf_counter()
            try:
                status, _ = send(conn, "POST", PREDICT, body)
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
            finished = time.perf_counter()
            if status == 200:
                mine.append(finished - started)
            else:
                bad += 1
            tick = max(tick + interval, finished) if interval else finished
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client, args=(phase,)) for phase in phases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    ms = np.array(latencies) * 1000
    if not len(ms):
        return {"requests": 0, "errors": errors[0]}
    return {
        "requests": len(ms),
        "errors": errors[0],
        "rps": len(ms) / seconds,
        "p50": float(np.percentile(ms, 50)),
        "p95": float(np.percentile(ms, 95)),
        "p99": float(np.percentile(ms, 99)),
        "mean": statistics.fmean(ms),
    }


def show(title: str, stats: dict) -> None:
    if not stats["requests"]:
        print(f"{title:<28} no successful requests, {stats['errors']} errors")
        return
    print(
        f"{title:<28} p50 {stats['p50']:7.1f} ms  p95 {stats['p95']:7.1f} ms  "
        f"p99 {stats['p99']:7.1f} ms  {stats['rps']:7.1f} req/s  "
        f"{stats['requests']:6d} ok  {stats['errors']} errors"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--jobs", type=int, default=2, help="training jobs in the second phase")
    parser.add_argument(
        "--payload",
        choices=sorted(PAYLOADS),
        default="image",
        help="image: the frontend's 280×280 canvas PNG (default); pixels: 28×28 values",
    )
    parser.add_argument(
        "--interval-ms",
        type=float,
        default=INTERVAL_MS,
        help=f"each client's time between requests (default {INTERVAL_MS:g}, the frontend's "
        "live-prediction interval); 0: the next request as soon as the reply is in",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cnnviz-bench-") as tmp:
        tmp = Path(tmp)
        make_dataset(tmp / "data")
        env = {
            **os.environ,
            "CNNVIZ_DATA_DIR": str(tmp / "data"),
            "CNNVIZ_MODELS_DIR": str(tmp / "models"),
            "CNNVIZ_MAX_JOBS": str(max(args.jobs, 1)),
        }
        server, port = start_server(env, tmp / "server.log")
        try:
            status, _ = call(port, "POST", PREDICT, {"pixels": [[0.0] * 28] * 28})
            if status != 200:
                raise SystemExit(f"{PREDICT} answered {status}")
            print(f"{args.clients} clients, {args.seconds:g} s per phase, {os.cpu_count()} CPUs")
            body, interval = PAYLOADS[args.payload](), args.interval_ms / 1000
            print(
                f"{args.payload} payload ({len(body):,} bytes), "
                + (
                    f"one request per client every {args.interval_ms:g} ms"
                    if interval
                    else "closed loop"
                )
            )
            load(port, args.clients, min(args.seconds, 1.0), body, interval)  # warm up
            alone = load(port, args.clients, args.seconds, body, interval)
            show("predict, no training", alone)

            config = {"model": "lenet5", "epochs": 1000, "batch_size": 64, "emit_filters": True}
            ids = []
            for _ in range(args.jobs):
                status, created = call(port, "POST", "/api/train", config)
                if status != 202:
                    raise SystemExit(f"POST /api/train answered {status}: {created}")
                ids.append(created["id"])
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                jobs = [call(port, "GET", f"/api/train/{i}")[1] for i in ids]
                if all(j["progress"]["global_step"] >= 1 for j in jobs):
                    break
                time.sleep(0.2)
            before = [call(port, "GET", f"/api/train/{i}")[1] for i in ids]
            busy = load(port, args.clients, args.seconds, body, interval)
            after = [call(port, "GET", f"/api/train/{i}")[1] for i in ids]
            show(f"predict, {args.jobs} jobs training", busy)
            trained = sum(
                a["progress"]["global_step"] - b["progress"]["global_step"]
                for a, b in zip(after, before, strict=True)
            )
            states = sorted({a["state"] for a in after})
            print(f"meanwhile the jobs trained {trained} batches of 64 (states: {states})")
            if alone["requests"] and busy["requests"]:
                print(
                    f"with training / alone: p50 x{busy['p50'] / alone['p50']:.2f}, "
                    f"p95 x{busy['p95'] / alone['p95']:.2f}, p99 x{busy['p99'] / alone['p99']:.2f}"
                )
            for job_id in ids:
                call(port, "POST", f"/api/train/{job_id}/stop")
        finally:
            stop_server(server)


if __name__ == "__main__":
    main()
