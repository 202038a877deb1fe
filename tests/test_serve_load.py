"""kg serve under pressure: the lanes, the byte cap, streamed answers, connection limits and the sandbox.

The rules that decide a job's lane (kg.web.workers.lanes), the fast lane's dispatch, the byte cap and the streaming of
spooled answers are tested in process, with no timing. The rest runs against a live ``python -m kg serve``
with small limits (``guarded``: a fast budget of 0.5 s, request and write timeouts of 1 s, answers of at
most 4 MB, 40 connections; ``stalling``, for large answers nobody reads: a write timeout of 3 s), with raw
sockets where a client has to misbehave: dribble a request, stop reading, open too many connections.
Bounds on time are generous, for a busy CI machine. The network sandbox (kg.web.workers.sandbox) is tested in fresh
processes that try to reach a listener of the test's own.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from listeners import Listener
from test_serve import HEAVY_COUNT, Server, start

from kg.web.negotiation import negotiate
from kg.web.workers.jobs import Limits, QueryJob, Reply
from kg.web.workers.lanequeues import Lane
from kg.web.workers.lanes import (
    DEMOTION_WINDOW,
    FAST,
    HEAVY,
    ClientSlots,
    LanePolicy,
    LaneSettings,
    client_key,
    fingerprint,
)
from kg.web.workers.process import INLINE_BYTES, WorkerSettings, _deliverable

REPO = Path(__file__).resolve().parent.parent
MAX_BYTES = 4_000_000
CHEAP_ASK = "ASK { kgd:kerman-bombings a kgo:Attack }"
#: a linked-data page that is cheap to make: an actor's (an attack's page runs the named queries of its dossier,
#: some 170 ms of queries on the real corpus, so it is not a cheap request)
PAGE = "/page/islamic-state"
HEAVY_VARIANTS = (
    HEAVY_COUNT,
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?a != ?g) }",
    "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY DESC(?c) ?f LIMIT 5",
)


def big_query(rows_per_side: int, literal: int) -> str:
    """A SELECT of rows_per_side**3 rows of one literal of `literal` characters: an answer of known size,
    whatever the corpus."""
    values = " ".join(str(i) for i in range(rows_per_side))
    return (
        f"SELECT ?a ?b ?c ?text WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} "
        f'VALUES ?c {{ {values} }} BIND("{"x" * literal}" AS ?text) }}'
    )


# ------------------------------------------------------------------- lanes (kg.web.workers.lanes)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def job(text: str) -> QueryJob:
    return QueryJob(text, negotiate(None, []))


def test_fingerprints_and_clients() -> None:
    assert fingerprint(job("ASK {}")) == fingerprint(job("ASK {}"))
    assert fingerprint(job("ASK {}")) != fingerprint(job("ASK { }"))
    assert fingerprint(job("ASK {}")) != fingerprint(QueryJob("ASK {}", negotiate(None, ["csv"])))
    assert len(fingerprint(job("x" * 1_000_000))) == 16
    assert client_key("192.0.2.7") == "192.0.2.7"
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert client_key("") == client_key(None) == "unknown"


def test_a_stopped_job_goes_to_the_heavy_lane_next_time() -> None:
    policy = LanePolicy(LaneSettings(remembered=2), clock=Clock())
    first, second, third = (fingerprint(job(f"SELECT * {{ ?s ?p {n} }}")) for n in range(3))
    assert policy.lane(first, "a", client_query=True) == FAST
    policy.demoted(first, "a")
    assert policy.lane(first, "a", client_query=True) == HEAVY
    assert policy.lane(first, "b", client_query=False) == HEAVY  # the job is heavy, whoever sends it
    policy.remember(second)
    policy.remember(third)  # only two are remembered: the least recently used goes
    assert policy.lane(first, "a", client_query=True) == FAST
    assert policy.lane(third, "a", client_query=True) == HEAVY
    policy.remember_cheap(first)
    assert policy.known_cheap(first)
    policy.remember(first)  # found heavy after all (out of memory): no longer cheap
    assert not policy.known_cheap(first)
    assert LanePolicy(LaneSettings(fast_workers=0)).lane(second, "a", client_query=True) == HEAVY


def test_a_client_that_causes_many_stops_skips_the_fast_lane_for_a_while() -> None:
    clock = Clock()
    policy = LanePolicy(LaneSettings(client_demotions=3), clock=clock)
    cheap = fingerprint(job("ASK {}"))
    policy.remember_cheap(cheap)
    for n in range(3):
        assert policy.lane(fingerprint(job(f"q{n}")), "attacker", client_query=True) == FAST
        policy.demoted(fingerprint(job(f"q{n}")), "attacker")
        clock.now += 1
    new = fingerprint(job("q-new"))
    assert policy.lane(new, "attacker", client_query=True) == HEAVY
    assert policy.lane(new, "attacker", client_query=False) == HEAVY  # its pages too
    assert policy.lane(cheap, "attacker", client_query=True) == FAST  # but not what is known to be cheap
    assert policy.lane(new, "someone else", client_query=True) == FAST
    clock.now += DEMOTION_WINDOW - 2.5  # the first stop is now out of the window
    assert policy.lane(new, "attacker", client_query=True) == FAST


def test_many_clients_together_cannot_keep_the_fast_lane_on_trials() -> None:
    clock = Clock()
    settings = LaneSettings(fast_workers=3, client_demotions=100)
    policy = LanePolicy(settings, clock=clock)
    assert policy.server_demotions == 15 * settings.trial_workers == 30
    for n in range(policy.server_demotions):
        policy.demoted(fingerprint(job(f"q{n}")), f"client-{n}")
    new = fingerprint(job("q-new"))
    assert policy.lane(new, "a newcomer", client_query=True) == HEAVY
    assert policy.lane(new, "a newcomer", client_query=False) == FAST  # named queries and pages keep the lane
    clock.now += DEMOTION_WINDOW
    assert policy.lane(new, "a newcomer", client_query=True) == FAST


def test_client_slots_hold_each_clients_heavy_jobs() -> None:
    async def scenario() -> None:
        slots = ClientSlots(per_client=1)
        await slots.acquire("a")
        waiting = asyncio.ensure_future(slots.acquire("a"))
        await slots.acquire("b")  # another client is not held up
        await asyncio.sleep(0)
        assert not waiting.done()
        slots.release("a")
        await asyncio.wait_for(waiting, 5)
        slots.release("a")
        slots.release("b")
        assert len(slots) == 0  # nothing left behind

    asyncio.run(scenario())


def test_the_fast_lane_keeps_a_worker_from_trials() -> None:
    async def scenario() -> None:
        lane = Lane("fast", 3, 0, trial_cap=2)
        workers: list[Any] = [object(), object(), object()]
        for worker in workers:
            lane.put(worker)
        first = await lane.get(60, trial=True)
        second = await lane.get(60, trial=True)
        third_trial = asyncio.ensure_future(lane.get(60, trial=True))
        await asyncio.sleep(0)
        assert not third_trial.done() and lane.trials == 2  # the last worker is not for trials
        sure = await lane.get(60)
        assert {id(first), id(second), id(sure)} == {id(w) for w in workers}
        lane.put(sure)  # a sure job gives its worker back: still not for a trial
        await asyncio.sleep(0)
        assert not third_trial.done()
        lane.put(first)
        lane.end_trial()
        assert await asyncio.wait_for(third_trial, 5) is first
        assert await lane.get(60) is sure  # the idle worker; now all three are busy
        sure_waiting = asyncio.ensure_future(lane.get(60))
        trial_waiting = asyncio.ensure_future(lane.get(60, trial=True))
        await asyncio.sleep(0)
        assert not sure_waiting.done() and not trial_waiting.done()
        lane.put(second)
        lane.end_trial()  # one worker free, a trial and a sure job waiting: the sure job has it
        await asyncio.sleep(0)
        assert sure_waiting.done() and not trial_waiting.done()
        trial_waiting.cancel()

    asyncio.run(scenario())


def test_options_reach_the_lanes_and_the_limits() -> None:
    from kg.cli import _parser
    from kg.web.options import ServeOptions

    assert ServeOptions().lanes.client_heavy == 1 and ServeOptions(workers=4).lanes.client_heavy == 2
    assert ServeOptions(workers=4, client_heavy=3).lanes.client_heavy == 3
    assert ServeOptions(max_bytes=5).limits.max_bytes == 5
    assert LaneSettings(fast_workers=3).trial_workers == 2 and LaneSettings(fast_workers=1).trial_workers == 1
    args = _parser().parse_args(["serve", "--fast-workers", "0", "--max-bytes", "1000", "--write-timeout", "2.5"])
    assert (args.fast_workers, args.max_bytes, args.write_timeout) == (0, 1000, 2.5)
    with pytest.raises(SystemExit):
        _parser().parse_args(["serve", "--fast-workers", "-1"])


def test_the_pool_reports_its_weakest_network_guard() -> None:
    from kg.web.workers.pool import WorkerPool
    from kg.web.workers.sandbox import Isolation

    pool = WorkerPool(Path("no-store"), Limits(10, 1024, 100), 2)
    assert pool.status()["network_guard"] == "none"  # before any worker said
    pool._note_isolation(Isolation("netns"))
    pool._note_isolation(Isolation("seccomp", "no network namespace (Operation not permitted)"))
    pool._note_isolation(Isolation("netns"))
    assert pool.status()["network_guard"] == "seccomp"


# ------------------------------------------------------------ the byte cap and the spool


def test_answers_over_the_byte_cap_are_413_and_large_ones_go_through_the_spool(tmp_path: Path) -> None:
    limits = Limits(10, 1024, 100, max_bytes=200_000)
    settings = WorkerSettings("store", limits, os.getpid(), spool=str(tmp_path))
    too_big = _deliverable(Reply(200, "text/csv", b"x" * 200_001), settings)
    assert too_big.status == 413
    assert "200000 bytes" in too_big.body.decode() and "--max-bytes" in too_big.body.decode()
    small = _deliverable(Reply(200, "text/csv", b"x" * INLINE_BYTES), settings)
    assert small.path is None and len(small.body) == INLINE_BYTES
    large = _deliverable(Reply(200, "text/csv", b"y" * 150_000, {"Link": "<next>"}), settings)
    assert large.body == b"" and large.path is not None and large.headers == {"Link": "<next>"}
    assert Path(large.path).parent == tmp_path and Path(large.path).read_bytes() == b"y" * 150_000


def test_a_spooled_answer_is_streamed_then_deleted_also_when_the_client_goes(tmp_path: Path) -> None:
    from kg.web.connections import CHUNK, SpooledAnswer

    scope = {"type": "http", "asgi": {"spec_version": "2.3"}, "method": "GET"}

    async def never_disconnects() -> dict[str, Any]:
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def serve(path: Path, fail_after: int | None) -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            if fail_after is not None and len(sent) >= fail_after:
                raise OSError("the client went away")
            sent.append(message)

        response = SpooledAnswer(str(path), 200, "text/csv", {"X-Test": "1"})
        try:
            await response(scope, never_disconnects, send)
        except (OSError, ExceptionGroup):
            pass
        return sent

    whole = tmp_path / "whole"
    whole.write_bytes(b"z" * (3 * CHUNK + 10))
    sent = asyncio.run(serve(whole, None))
    assert dict(sent[0]["headers"])[b"content-length"] == str(3 * CHUNK + 10).encode()
    assert b"".join(m.get("body", b"") for m in sent[1:]) == b"z" * (3 * CHUNK + 10)
    assert not whole.exists()
    cut = tmp_path / "cut"
    cut.write_bytes(b"z" * (3 * CHUNK))
    sent = asyncio.run(serve(cut, fail_after=2))
    assert len(sent) == 2
    assert not cut.exists()


# -------------------------------------------------------------------- the sandbox

PROBE = """
import json, os, socket, sys
from kg.web.workers import sandbox

mode, port = sys.argv[1], int(sys.argv[2])
guard = None
try:
    if mode == "auto":
        guard = sandbox.isolate_network().guard
    elif mode in ("netns", "userns"):
        sandbox.enter_network_namespace(as_user=mode == "userns")
    elif mode == "seccomp":
        sandbox.deny_sockets()
except OSError as exc:
    print(json.dumps({"refused": str(exc)}))
    sys.exit(0)
result = {"guard": guard, "uid": os.getuid(), "reads_files": len(open(sys.argv[3], "rb").read()) > 0}
try:
    socket.create_connection(("127.0.0.1", port), timeout=2).close()
    result["connect"] = "connected"
except OSError as exc:
    result["connect"] = exc.errno
import pyoxigraph
try:
    list(pyoxigraph.Store().query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"))
    result["service"] = "answered"
except Exception as exc:
    result["service"] = type(exc).__name__
print(json.dumps(result))
"""


def _may_administer() -> bool:
    from kg.web.workers.sandbox import _may_administer

    return _may_administer()


@pytest.mark.parametrize("mode", ["none", "auto", "netns", "userns", "seccomp"])
def test_a_sandboxed_process_cannot_reach_a_loopback_listener(mode: str) -> None:
    """What a worker does first (kg.web.workers.sandbox), in a fresh process: afterwards neither a socket nor Oxigraph's
    SERVICE reaches a listener on 127.0.0.1. Without it ("none") they do, which shows the probe can tell."""
    import errno

    if mode == "netns" and not _may_administer():
        pytest.skip("a network namespace without a user namespace needs CAP_SYS_ADMIN")
    listener = Listener()
    try:
        probe = subprocess.run(
            [sys.executable, "-c", PROBE, mode, str(listener.port), str(REPO / "pyproject.toml")],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        connections = listener.close(wait=0.5)
    assert probe.returncode == 0, probe.stderr
    result = json.loads(probe.stdout)
    if "refused" in result:  # only the modes asked for explicitly; "auto" always finds a guard or says none
        pytest.skip(f"this system refuses {mode}: {result['refused']}")
    assert result["uid"] == os.getuid() and result["reads_files"]  # the same user, files still readable
    if mode == "none":
        assert result["connect"] == "connected" and len(connections) >= 1
        return
    assert connections == []
    assert result["service"] != "answered"
    expected = {"netns": errno.ENETUNREACH, "userns": errno.ENETUNREACH, "seccomp": errno.EPERM}
    if mode == "auto":
        assert result["guard"] in ("netns", "seccomp")
        assert result["connect"] == expected[result["guard"]]
    else:
        assert result["connect"] == expected[mode]


def test_the_seccomp_filter_refuses_every_socket_family_but_unix() -> None:
    code = """
import socket
from kg.web.workers import sandbox
sandbox.deny_sockets()
refused = []
for family, kind in ((socket.AF_INET, socket.SOCK_STREAM), (socket.AF_INET6, socket.SOCK_DGRAM),
                     (socket.AF_NETLINK, socket.SOCK_RAW), (socket.AF_PACKET, socket.SOCK_RAW)):
    try:
        socket.socket(family, kind).close()
    except PermissionError:
        refused.append(int(family))
a, b = socket.socketpair()
a.sendall(b"still talks")
print(refused, b.recv(20).decode())
"""
    probe = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0, probe.stderr
    families = [socket.AF_INET, socket.AF_INET6, socket.AF_NETLINK, socket.AF_PACKET]
    assert probe.stdout.strip() == f"{[int(f) for f in families]} still talks"


# ------------------------------------------------------------------- a live server


@pytest.fixture(scope="module")
def guarded(private_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """kg serve with small limits, so that the protections show within seconds."""
    yield from start(
        tmp_path_factory.mktemp("serve-guarded"),
        *("--workers", "2", "--fast-workers", "3", "--fast-budget", "0.5", "--timeout", "6"),
        *("--max-bytes", str(MAX_BYTES), "--max-rows", "100000", "--queue-timeout", "5"),
        *("--request-timeout", "1", "--write-timeout", "1", "--max-connections", "40"),
    )


def server_pid(server: Server) -> int:
    return server.process.pid


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        parent = pending.pop()
        try:
            with open(f"/proc/{parent}/task/{parent}/children", encoding="ascii") as listing:
                children = [int(c) for c in listing.read().split()]
        except OSError:
            continue
        found += children
        pending += children
    return found


def niceness(pid: int) -> int:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[16])


def workers_status(server: Server) -> dict[str, Any]:
    status: dict[str, Any] = server.get("/status").json()["workers"]
    return status


def test_status_reports_the_lanes_the_guard_and_the_limits(guarded: Server) -> None:
    answer = guarded.get("/status").json()
    workers, limits = answer["workers"], answer["limits"]
    assert workers["lanes"]["fast"]["size"] == 3 and workers["lanes"]["heavy"]["size"] == 2
    assert workers["size"] == 2  # "workers" itself is the heavy lane, the --workers
    assert workers["network_guard"] in ("netns", "seccomp")
    assert limits["max_bytes"] == MAX_BYTES and limits["fast_budget"] == 0.5 and limits["write_timeout"] == 1
    nice = Counter(niceness(p) for p in descendants(server_pid(guarded)))
    assert nice[19] == 2  # the heavy lane's workers, and only they, run at the lowest priority


def test_an_answer_over_the_byte_cap_is_413_and_a_large_one_is_streamed(guarded: Server) -> None:
    too_big = guarded.sparql(big_query(10, 5000), "text/csv")  # 1,000 rows of 5,000 characters
    assert too_big.status_code == 413
    assert f"larger than {MAX_BYTES} bytes" in too_big.text and "--max-bytes" in too_big.text
    large = guarded.sparql(big_query(10, 3000), "text/csv")  # about 3 MB: spooled, then streamed
    assert large.status_code == 200
    assert int(large.headers["content-length"]) == len(large.content) > 3_000_000
    assert large.text.splitlines()[1].endswith("x" * 3000)
    assert workers_status(guarded)["spooled_bytes"] == 0  # its file is gone


def raw_request(port: int, query: str, receive_buffer: int | None = None) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    body = urlencode({"query": query}).encode()
    head = (
        f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/csv\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    sock.sendall(head.encode() + body)
    return sock


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    try:
        while chunk := sock.recv(1 << 16):
            chunks.append(chunk)
    except ConnectionResetError:
        pass
    return b"".join(chunks)


@pytest.fixture(scope="module")
def stalling(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """kg serve for answers of 10 MB that nobody reads: a budget that fits them in the fast lane and a write
    timeout of 3 s. Over the build folder built beforehand, so that the server process does not build it and
    starts lean (its memory is measured)."""
    yield from start(
        tmp_path_factory.mktemp("serve-stalling"),
        *("--fast-budget", "2", "--max-bytes", "14000000", "--write-timeout", "3"),
    )


@pytest.mark.slow
def test_stalled_readers_hold_no_memory_and_are_cut_off(stalling: Server) -> None:
    """Eight clients ask for a 10 MB answer and never read. The server process holds none of it (the workers
    spooled the answers; the kernel's socket buffers take about 4 MB of each, the rest would stay in the
    server), answers others meanwhile, and cuts the readers off after the write timeout."""
    port = int(stalling.url.rsplit(":", 1)[1])
    pid = server_pid(stalling)
    query = big_query(4, 160_000)  # 64 rows of 160,000 characters
    stalling.sparql(query, "text/csv")  # once, so that the server's own allocations for it are made
    before = rss_mb(pid)
    stalled = [raw_request(port, query, receive_buffer=4096) for _ in range(8)]
    try:
        peak_spooled, peak_rss, cheap = 0, before, None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            spooled = workers_status(stalling)["spooled_bytes"]
            peak_spooled, peak_rss = max(peak_spooled, spooled), max(peak_rss, rss_mb(pid))
            if spooled >= 6 * 10_000_000 and cheap is None:
                cheap = stalling.sparql(CHEAP_ASK, timeout=5)  # others are answered meanwhile
            if peak_spooled and not spooled:
                break
            time.sleep(0.05)
        assert peak_spooled >= 6 * 10_000_000  # most of the eight answers waited in the spool at once
        assert peak_rss - before < 15, (before, peak_rss)  # held whole, they would add about 6 MB each
        assert cheap is not None and cheap.status_code == 200 and cheap.json()["boolean"] is True
        assert workers_status(stalling)["spooled_bytes"] == 0  # cut off: their files are deleted
        for sock in stalled:
            received = read_all(sock)
            assert received.startswith(b"HTTP/1.1 200")
            length = int(received.split(b"content-length: ", 1)[1].split(b"\r\n", 1)[0])
            assert len(received.split(b"\r\n\r\n", 1)[1]) < length  # the answer was not finished
    finally:
        for sock in stalled:
            sock.close()


def test_dribbling_and_silent_connections_are_closed_after_the_request_timeout(guarded: Server) -> None:
    port = int(guarded.url.rsplit(":", 1)[1])
    head = f"GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode()  # never the blank line that ends it
    dribbling = [socket.create_connection(("127.0.0.1", port)) for _ in range(10)]
    silent = [socket.create_connection(("127.0.0.1", port)) for _ in range(5)]
    started = time.monotonic()
    closed_at: dict[int, float] = {}
    try:
        step = 0
        while len(closed_at) < len(dribbling) and time.monotonic() - started < 10:
            for n, sock in enumerate(dribbling):
                if n in closed_at:
                    continue
                try:
                    sock.sendall(head[step % len(head) : step % len(head) + 1])  # a byte at a time
                except OSError:
                    closed_at[n] = time.monotonic() - started
            step += 1
            assert guarded.get("/status", timeout=5).status_code == 200  # others are served meanwhile
            time.sleep(0.1)
        assert len(closed_at) == len(dribbling), closed_at
        assert max(closed_at.values()) < 5, closed_at  # the timeout is 1 s; sends notice the close late
        for sock in silent:
            sock.settimeout(5)
            assert read_all(sock) == b""  # closed, without an answer
    finally:
        for sock in dribbling + silent:
            sock.close()


def test_connections_beyond_the_cap_are_refused(guarded: Server) -> None:
    """--max-connections 40: requests beyond 40 open connections get 503, connections beyond 80 are closed
    at once; once they are gone the server answers again."""
    port = int(guarded.url.rsplit(":", 1)[1])
    held = [socket.create_connection(("127.0.0.1", port)) for _ in range(100)]
    try:
        time.sleep(0.2)
        closed = 0
        for sock in held:
            sock.setblocking(False)
            try:
                closed += sock.recv(1) == b""
            except BlockingIOError:
                pass
            except ConnectionResetError:
                closed += 1
        assert closed >= 100 - 80, closed
        try:
            refused = guarded.get("/status", timeout=5).status_code
        except httpx.TransportError:
            refused = 0  # closed at once, beyond the hard cap
        assert refused in (0, 503)
    finally:
        for sock in held:
            sock.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if guarded.get("/status", timeout=5).status_code == 200:
                break
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    assert guarded.get("/status").status_code == 200


@pytest.mark.slow
def test_cheap_requests_keep_answering_while_heavy_queries_run(guarded: Server) -> None:
    """Eight clients send heavy queries nonstop (four distinct ones) for five seconds; meanwhile a cheap ASK and
    a linked-data page keep answering, each well within the bound, never 503. Each heavy query costs the fast
    lane at most one stop per trial worker: after that it goes straight to the heavy lane."""
    assert guarded.sparql(CHEAP_ASK).status_code == 200  # known to be cheap, as on a server in use
    stop = threading.Event()
    cheap: list[tuple[str, float, int]] = []
    heavy: Counter[int] = Counter()

    def send_heavy(first: int) -> None:
        with httpx.Client(base_url=guarded.url, timeout=30) as client:
            turn = first
            while not stop.is_set():
                query = HEAVY_VARIANTS[turn % len(HEAVY_VARIANTS)]
                turn += 1
                heavy[client.post("/sparql", data={"query": query}).status_code] += 1

    def send_cheap(kind: str) -> None:
        with httpx.Client(base_url=guarded.url, timeout=30) as client:
            while not stop.is_set():
                started = time.monotonic()
                if kind == "ask":
                    status = client.post("/sparql", data={"query": CHEAP_ASK}).status_code
                else:
                    status = client.get(PAGE, headers={"Accept": "text/html"}).status_code
                cheap.append((kind, time.monotonic() - started, status))
                time.sleep(0.05)

    threads = [threading.Thread(target=send_heavy, args=(i,)) for i in range(8)]
    threads += [threading.Thread(target=send_cheap, args=(kind,)) for kind in ("ask", "page")]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2.5)
        stops_midway = workers_status(guarded)["lanes"]["fast"]["stopped"]
        time.sleep(2.5)
        stops_at_end = workers_status(guarded)["lanes"]["fast"]["stopped"]
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    for kind in ("ask", "page"):
        answers = [(seconds, status) for k, seconds, status in cheap if k == kind]
        assert len(answers) >= 5, cheap
        assert all(status == 200 for _, status in answers), answers
        assert max(seconds for seconds, _ in answers) < 3.0, answers
    assert sum(heavy.values()) >= 8
    assert stops_at_end == stops_midway <= 2 * len(HEAVY_VARIANTS), (stops_midway, stops_at_end)
