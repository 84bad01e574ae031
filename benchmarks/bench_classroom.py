"""How fast a class follows its teacher: the delay from the teacher's `PUT .../state` to each
student's event stream delivering that state, while the class keeps sending drawings.

    python benchmarks/bench_classroom.py                      # the issue's run (~2.5 minutes)
    python benchmarks/bench_classroom.py --students 4 --seconds 4 --modes embedded   # a quick look

One asyncio process (httpx2, the test extra's HTTP client) plays the whole class against a real
`cnnviz serve` on loopback, started as bench_api starts it (a port it picks, health waited for):
1. the teacher starts a class and sends a first state; `--students` students join with a name,
   take a ticket each and open the class's event stream (`GET .../events?ticket=`), which
   delivers that first state once it is open;
2. for `--seconds` the teacher PUTs `{"view": "draw", "n": k}` every `--state-every` seconds
   (k counts up, so every delivery is matched to its PUT) while each student POSTs a drawing of
   a digit every `--draw-every` seconds, the students staggered over that interval;
3. the last states are given DELIVERY_DEADLINE_S to arrive, then the teacher ends the class and
   every stream must end with `ended`.
Delay: from just before the PUT is sent to the moment the student's stream hands over the event,
both on this process's clock. An error is any non-2xx answer or failed request, a stream that
breaks (ends or fails before the class ends), a state not delivered within DELIVERY_DEADLINE_S,
or a stream still open DELIVERY_DEADLINE_S after the class ended.

Modes: `embedded` is `cnnviz serve` alone (one process, classes in files); `broker` is its own
Redis (the test harness's tests/redis_server.py) and `cnnviz serve --broker URL --workers 2`: two
API processes on one port, so students' streams and the teacher's PUTs land on either. Target
(issue 14): p99 ≤ 500 ms and 0 errors in both.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import Popen

import httpx2
import numpy as np

from bench_api import HOST, start_server, stop_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the test harness's Redis, environment and digit strokes

from tests.live_server import without_proxies  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402
from tests.strokes import canvas  # noqa: E402

from cnnviz.classroom.limits import ClassLimits  # noqa: E402
from cnnviz.settings import DEFAULT_MAX_CONNECTIONS, MAX_CONNECTIONS_ENV  # noqa: E402

#: A state not delivered this long after its PUT is an error, and so is a stream still open this
#: long after the class ended.
DELIVERY_DEADLINE_S = 5.0
#: Setting up: every student joined with an open stream, or the run stops.
SETUP_TIMEOUT_S = 60.0
#: A request or a silent stream waiting longer than this fails (the server sends a keep-alive
#: comment every 15 s on a quiet stream).
REQUEST_TIMEOUT_S = 30.0
TARGET_P99_MS = 500.0
#: The sleep the client's event loop is timed with.
LAG_PROBE_S = 0.02
#: Digits the drawn strokes of tests/strokes.py cover; student i draws DIGITS[i % 4].
DIGITS = ("0", "1", "4", "7")
#: Each digit's drawing as the Draw view sends it (a 280×280 canvas as a PNG data URL).
DRAWINGS = [canvas(digit) for digit in DIGITS]
#: Connections a student may hold at once: its stream and a drawing; a few more for the teacher.
CONNECTIONS_PER_STUDENT = 2
#: Students a class holds by default (CNNVIZ_MAX_STUDENTS).
MAX_STUDENTS = ClassLimits.max_students


@dataclass
class Tally:
    """What one run saw: when each state was sent, when each student received it, the errors."""

    students: int
    sent: dict[int, float] = field(default_factory=dict)
    received: list[dict[int, float]] = field(default_factory=list)
    drawings: int = 0
    errors: list[str] = field(default_factory=list)
    #: How late this process's event loop woke for LAG_PROBE_S sleeps: the client's own share of
    #: any delay (it shares the cores with the server).
    lags: list[float] = field(default_factory=list)

    def delays(self) -> tuple[list[float], list[str]]:
        """Every delivery's delay in seconds, and an error for each state a student received
        late or never."""
        found, late = [], []
        for student, arrivals in enumerate(self.received):
            for n, sent in self.sent.items():
                delay = arrivals.get(n, float("inf")) - sent
                if delay <= DELIVERY_DEADLINE_S:
                    found.append(delay)
                else:
                    late.append(f"state {n} reached student {student} late or never")
        return found, late


class Classroom:
    """One class played through `client`: its code, the teacher's token and every student's;
    what happens is written to `tally`."""

    def __init__(self, client: httpx2.AsyncClient, tally: Tally) -> None:
        self.client = client
        self.tally = tally
        self.code = ""
        self.teacher: dict[str, str] = {}
        self.students: list[dict[str, str]] = []

    async def call(self, method: str, path: str, body: object = None, token: dict | None = None):
        """The JSON answer of one request, or None with the error tallied (non-2xx or failed)."""
        try:
            response = await self.client.request(
                method, f"/api/classes{path}", json=body, headers=token
            )
        except httpx2.HTTPError as error:
            self.tally.errors.append(f"{method} {path}: {type(error).__name__} {error}")
            return None
        if not response.is_success:
            self.tally.errors.append(f"{method} {path}: {response.status_code} {response.text}")
            return None
        return response.json() if response.content else {}

    async def start(self, students: int) -> None:
        """The class, its first state (n = 0) and its students; refuses to go on if any failed."""
        created = await self.call("POST", "", {"name": "Benchmark class"})
        if created is None:
            raise SystemExit(f"the class could not be started: {self.tally.errors}")
        self.code = created["code"]
        self.teacher = {"X-Class-Token": created["teacher_token"]}
        await self.put_state(0)
        joined = await asyncio.gather(
            *(
                self.call("POST", f"/{self.code}/join", {"name": f"Student {i}"})
                for i in range(students)
            )
        )
        if None in joined:
            raise SystemExit(f"students could not join: {self.tally.errors[:3]}")
        self.students = [{"X-Class-Token": answer["student_token"]} for answer in joined]

    async def put_state(self, n: int) -> None:
        """State `n`, timed unless it is the first (n = 0 tells that a stream is open)."""
        if n:
            self.tally.sent[n] = time.monotonic()
        await self.call(
            "PUT", f"/{self.code}/state", {"state": {"view": "draw", "n": n}}, self.teacher
        )

    async def follow(self, student: int, ready: asyncio.Event) -> None:
        """Student `student`'s event stream until `ended`: each state's arrival time by its `n`;
        `ready` is set once the stream delivers the first state (it is open)."""
        ticket = await self.call("POST", f"/{self.code}/tickets", token=self.students[student])
        if ticket is None:
            return
        arrivals = self.tally.received[student]
        url = f"/api/classes/{self.code}/events"
        try:
            async with self.client.stream("GET", url, params={"ticket": ticket["ticket"]}) as reply:
                if not reply.is_success:
                    await reply.aread()
                    self.tally.errors.append(
                        f"student {student}'s stream: {reply.status_code} {reply.text}"
                    )
                    return
                async for name, data in server_events(reply):
                    if name == "ended":
                        return
                    if name == "state":
                        arrivals.setdefault(data["state"]["n"], time.monotonic())
                        ready.set()
        except httpx2.HTTPError as error:
            self.tally.errors.append(
                f"student {student}'s stream broke: {type(error).__name__} {error}"
            )
            return
        self.tally.errors.append(f"student {student}'s stream ended without `ended`")

    async def draw(self, student: int, first: float, every: float, until: float) -> None:
        """Student `student`'s drawings: one at `first`, then every `every` s until `until`."""
        label = student % len(DIGITS)
        body = {"image": DRAWINGS[label], "label": int(DIGITS[label])}
        moment = first
        while moment < until:
            await asyncio.sleep(max(0.0, moment - time.monotonic()))
            self.tally.drawings += 1
            await self.call("POST", f"/{self.code}/drawings", body, self.students[student])
            moment += every

    async def lead(self, start: float, every: float, until: float) -> None:
        """The teacher: states n = 1, 2, ... every `every` s from `start` until `until`."""
        n = 1
        while (moment := start + (n - 1) * every) < until:
            await asyncio.sleep(max(0.0, moment - time.monotonic()))
            await self.put_state(n)
            n += 1


async def server_events(reply: httpx2.Response):
    """(event name, parsed data) of each event of an SSE stream, as an EventSource hands them
    over."""
    fields: dict[str, str] = {}
    async for line in reply.aiter_lines():
        if not line:
            if "data" in fields:
                yield fields.get("event"), json.loads(fields["data"])
            fields = {}
        elif not line.startswith(":"):
            key, _, value = line.partition(": ")
            fields[key] = value


async def a_class(port: int, args: argparse.Namespace) -> Tally:
    """The class's run against the server on `port` (see the module's docstring)."""
    tally = Tally(args.students, received=[{} for _ in range(args.students)])
    limits = httpx2.Limits(max_connections=CONNECTIONS_PER_STUDENT * args.students + 10)
    timeout = httpx2.Timeout(REQUEST_TIMEOUT_S)
    async with httpx2.AsyncClient(
        base_url=f"http://{HOST}:{port}", limits=limits, timeout=timeout, trust_env=False
    ) as client:
        room = Classroom(client, tally)
        await room.start(args.students)
        ready = [asyncio.Event() for _ in range(args.students)]
        streams = [asyncio.create_task(room.follow(i, ready[i])) for i in range(args.students)]
        try:
            await asyncio.wait_for(
                asyncio.gather(*(event.wait() for event in ready)), SETUP_TIMEOUT_S
            )
        except TimeoutError:
            opened = sum(event.is_set() for event in ready)
            message = f"{opened} of {args.students} streams opened: {tally.errors[:3]}"
            raise SystemExit(message) from None
        start = time.monotonic()
        until = start + args.seconds
        stagger = args.draw_every / args.students
        await asyncio.gather(
            room.lead(start, args.state_every, until),
            watch_loop(tally, until),
            *(
                room.draw(i, start + i * stagger, args.draw_every, until)
                for i in range(args.students)
            ),
        )
        await all_delivered(tally, time.monotonic() + DELIVERY_DEADLINE_S)
        await room.call("DELETE", f"/{room.code}", token=room.teacher)
        _, open_streams = await asyncio.wait(streams, timeout=DELIVERY_DEADLINE_S)
        for stream in open_streams:
            stream.cancel()
        if open_streams:
            tally.errors.append(f"{len(open_streams)} streams still open after the class ended")
    return tally


async def watch_loop(tally: Tally, until: float) -> None:
    """Measures how late the event loop wakes from short sleeps until `until`."""
    while time.monotonic() < until:
        slept = time.monotonic()
        await asyncio.sleep(LAG_PROBE_S)
        tally.lags.append(time.monotonic() - slept - LAG_PROBE_S)


async def all_delivered(tally: Tally, deadline: float) -> None:
    """Returns once every student has every state sent, or at `deadline`."""
    while time.monotonic() < deadline:
        if all(tally.sent.keys() <= arrivals.keys() for arrivals in tally.received):
            return
        await asyncio.sleep(0.05)


def report(mode: str, tally: Tally) -> dict:
    """Prints the mode's table (and its first errors); the numbers for the verdict."""
    found, late = tally.delays()
    delays = np.array(found) * 1000
    errors = [*tally.errors, *late]
    p50, p99, worst = (
        [*np.percentile(delays, [50, 99]), delays.max()] if len(delays) else [np.nan] * 3
    )
    print(f"\n{mode}:")
    print("students  drawings  states  deliveries  p50 ms  p99 ms  max ms  errors")
    print(
        f"{tally.students:8d}  {tally.drawings:8d}  {len(tally.sent):6d}  {len(delays):10d}  "
        f"{p50:6.1f}  {p99:6.1f}  {worst:6.1f}  {len(errors):6d}"
    )
    lags = np.array(tally.lags) * 1000
    print(
        f"  the client's event loop woke late by p99 {np.percentile(lags, 99):.1f} ms, "
        f"max {lags.max():.1f} ms (part of the delays above)"
    )
    for error in errors[:5]:
        print(f"  error: {error[:200]}")
    return {"p99": p99, "errors": len(errors)}


def server_env(folder: Path, students: int) -> dict[str, str]:
    """The server's environment: its own models and classes, room for every stream."""
    return {
        **without_proxies(os.environ),
        "CNNVIZ_MODELS_DIR": str(folder / "models"),
        MAX_CONNECTIONS_ENV: str(
            max(DEFAULT_MAX_CONNECTIONS, CONNECTIONS_PER_STUDENT * students + 50)
        ),
    }


@contextmanager
def serving(mode: str, folder: Path, students: int) -> Iterator[tuple[Popen, int]]:
    """The mode's server and its port; stopped (and its Redis) on exit."""
    with ExitStack() as stack:
        serve_args = []
        if mode == "broker":
            (folder / "redis").mkdir(exist_ok=True)
            redis = stack.enter_context(RedisServer(folder / "redis"))
            serve_args = ["--broker", redis.url, "--workers", "2"]
        env = server_env(folder / mode, students)
        server, port = start_server(env, folder / f"serve-{mode}.log", args=serve_args)
        try:
            yield server, port
        finally:
            stop_server(server)


def api_processes(server: Popen) -> list[int]:
    """The processes that answer requests: the server's own, or the ones it started with
    `--workers` (Linux: /proc/<pid>/task/*/children), not multiprocessing's resource tracker."""
    tasks = Path(f"/proc/{server.pid}/task").iterdir()
    children = [int(pid) for task in tasks for pid in (task / "children").read_text().split()]
    spawned = [pid for pid in children if is_spawned(pid)]
    return spawned or [server.pid]


def is_spawned(pid: int) -> bool:
    """Whether process `pid` is one multiprocessing spawned to run code (an API process)."""
    return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()


def cpu_seconds(pid: int) -> float:
    """User and system CPU time process `pid` has used (/proc/<pid>/stat's utime and stime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


MODES = ("embedded", "broker")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=60, help=f"at most {MAX_STUDENTS}")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the class runs")
    parser.add_argument("--state-every", type=float, default=2.0, help="seconds between states")
    parser.add_argument("--draw-every", type=float, default=5.0, help="seconds between drawings")
    parser.add_argument("--modes", default=",".join(MODES), help="embedded, broker or both")
    args = parser.parse_args()
    modes = args.modes.split(",")
    if unknown := set(modes) - set(MODES):
        parser.error(f"unknown modes {sorted(unknown)}: use embedded, broker or both")
    if not 1 <= args.students <= MAX_STUDENTS or args.seconds <= 0 or args.state_every <= 0:
        parser.error(f"give 1-{MAX_STUDENTS} students and positive --seconds and --state-every")
    if args.draw_every < 1.0:
        parser.error("--draw-every must be at least 1 s: a student may send one drawing a second")

    print(
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; {args.students} students for "
        f"{args.seconds:g} s, a state every {args.state_every:g} s, a drawing each every "
        f"{args.draw_every:g} s"
    )
    results = {}
    with tempfile.TemporaryDirectory(prefix="cnnviz-classroom-") as tmp:
        for mode in modes:
            with serving(mode, Path(tmp), args.students) as (server, port):
                processes = api_processes(server)
                before = [cpu_seconds(pid) for pid in processes]
                tally = asyncio.run(a_class(port, args))
                used = [cpu_seconds(pid) - b for pid, b in zip(processes, before, strict=True)]
                results[mode] = report(mode, tally)
            print("  API processes' CPU during the class: " + ", ".join(f"{s:.1f} s" for s in used))
    met = all(r["p99"] <= TARGET_P99_MS and r["errors"] == 0 for r in results.values())
    print(
        "\nverdict: "
        + "; ".join(
            f"{mode} p99 {r['p99']:.0f} ms, {r['errors']} errors" for mode, r in results.items()
        )
        + f" (target p99 ≤ {TARGET_P99_MS:g} ms, 0 errors): {'met' if met else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
