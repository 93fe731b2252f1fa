"""bench:real, Python's side: one workload of the real Bokeh 3.9.2 client (bokeh.client)
against the real Bokeh server, in this fresh process (run.mjs starts one per run), the
same workloads as node-client.mjs. Prints one JSON line of results.

    .venv-bokeh/bin/python bench/real/python_client.py <workload> <server url> [options JSON]

Client CPU is time.process_time() (all threads of this process); wall is
time.perf_counter(). "first" is the process's first operation, "steady" the median of
the ones after it. Memory is what tracemalloc sees one more pulled document hold (numpy
reports its array memory to tracemalloc), measured on a separate pull after the timed ones.
"""
import time

import_cpu = time.process_time()  # set again below, after the imports
import gc
import json
import statistics
import sys
import tracemalloc

import numpy as np
from bokeh.client import ClientSession, pull_session
from bokeh.document import Document
from bokeh.models import ColumnDataSource

import_cpu = time.process_time() * 1000  # process start + import of bokeh.client, in ms

workload, base = sys.argv[1], sys.argv[2]
options = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
ws_base = base.replace("http", "ws", 1)


def ms(seconds):
    return seconds * 1000


def median(xs):
    return sorted(xs)[len(xs) // 2]  # the same rule as node-client.mjs


def first_and_steady(xs):
    return {"first": xs[0], "steady": median(xs[1:])}


def pull_columns(columns, repeat):
    args = {"columns": str(columns), "rows": "1000000"}

    def check(doc):
        data = doc.get_model_by_name("source").data
        last = data[f"c{columns - 1}"]
        if len(data) != columns or len(last) != 1_000_000 or last[999_999] != 999_999 * 0.5 + columns - 1:
            raise RuntimeError("wrong data")

    cpu, wall = [], []
    for _ in range(repeat):
        session = ClientSession(websocket_url=f"{ws_base}/columns/ws", arguments=args)
        session.connect()
        gc.collect()
        w0, c0 = time.perf_counter(), time.process_time()
        session.pull()
        cpu.append(ms(time.process_time() - c0))
        wall.append(ms(time.perf_counter() - w0))
        if session.document is None:
            return {"error": f"pull failed: {session.error_reason} {session.error_code} {session.error_detail}"}
        check(session.document)
        session.close()
    session = ClientSession(websocket_url=f"{ws_base}/columns/ws", arguments=args)
    session.connect()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    session.pull()
    gc.collect()
    growth = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    check(session.document)
    session.close()
    return {**first_and_steady(cpu), "wall": median(wall[1:]), "growth": growth, "raw": columns * 8 * 1_000_000}


def one_per_turn(session, count, step):
    """Runs step(0) .. step(count - 1), one per turn of the client's IOLoop, while the
    client runs as usual: the PATCH-DOC each step queues goes out on a later turn, the
    server's OKs are read as they come. Returns once the server has answered all of
    them (each step makes exactly one change).

    bokeh.client has no public way to run its loop until a condition: this uses the one
    its own methods use (_loop_until). Its message loop nests one coroutine deeper per
    message read (ClientConnection._next -> _handle_messages -> _next), so one
    _loop_until that reads more than ~330 messages dies of RecursionError and the
    session disconnects: the loop is restarted every 200 messages."""
    connection = session._connection
    loop = connection.io_loop
    answered = 0

    def run(i):
        step(i)
        if i + 1 < count:
            loop.add_callback(run, i + 1)

    loop.add_callback(run, 0)
    while answered < count:
        calls = [0]

        def enough():  # called once before the first message, then after each one
            nonlocal answered
            if calls[0] > 0:
                answered += 1
            calls[0] += 1
            return answered >= count or calls[0] > 200

        connection._loop_until(enough)
        if connection._state.__class__.__name__ == "DISCONNECTED":
            raise RuntimeError(f"disconnected after {answered} of {count} answers")


def edits(pass_):
    session = pull_session(url=f"{base}/sliders")
    sliders = [session.document.get_model_by_name(f"s{i}") for i in range(100)]
    n = options["edits"]

    def step(i):
        sliders[i % 100].value = pass_ * n + i + 1  # never the value it has

    gc.collect()
    c0 = time.process_time()
    one_per_turn(session, n, step)
    cpu = ms(time.process_time() - c0)
    session.close()
    return cpu


def stream():
    session = pull_session(url=f"{base}/stream")
    source = session.document.get_model_by_name("source")

    def step(chunk):
        x = np.arange(chunk * 1000, chunk * 1000 + 1000, dtype=np.float64)
        source.stream({"x": x, "y": x})

    gc.collect()
    c0 = time.process_time()
    one_per_turn(session, 1000, step)
    cpu = ms(time.process_time() - c0)
    check = pull_session(url=f"{base}/stream", session_id=session.id, max_message_size=1024**3)
    rows = len(check.document.get_model_by_name("source").data["x"])
    local = len(source.data["x"])
    check.close()
    session.close()
    if rows != 1_000_000 or local != 1_000_000:
        raise RuntimeError(f"stream: {local} rows here, {rows} on the server")
    return cpu


def latency():
    session = pull_session(url=f"{base}/empty")
    times = []
    for _ in range(options["roundtrips"] + 1):
        w0 = time.perf_counter()
        session.force_roundtrip()
        times.append(ms(time.perf_counter() - w0))
    session.close()
    return first_and_steady(times)


def sessions():
    opened = []
    w0 = time.perf_counter()
    first = 0
    for i in range(options["sessions"]):
        opened.append(pull_session(url=f"{base}/empty"))
        if i == 0:
            first = ms(time.perf_counter() - w0)
    total = ms(time.perf_counter() - w0)
    for s in opened:
        s.close()
    return {"first": first, "total": total}


def push2():
    c0data = np.arange(1_000_000, dtype=np.float64)
    c1data = -c0data
    cpu, wall = [], []
    for _ in range(6):
        doc = Document()
        doc.add_root(ColumnDataSource(data={"c0": c0data, "c1": c1data}))
        session = ClientSession(websocket_url=f"{ws_base}/empty/ws")
        session.connect()
        gc.collect()
        w0, c0 = time.perf_counter(), time.process_time()
        session.push(doc)
        cpu.append(ms(time.process_time() - c0))
        wall.append(ms(time.perf_counter() - w0))
        session.close()
    return {**first_and_steady(cpu), "wallFirst": wall[0], "wall": median(wall[1:])}


workloads = {
    "latency": latency,
    "sessions": sessions,
    "pull2": lambda: pull_columns(2, 6),
    "pull10": lambda: pull_columns(10, 4),
    "push2": push2,
    "edits": lambda: {"first": edits(0), "steady": edits(1)},
    "stream": lambda: {"first": stream(), "steady": stream()},
}

result = workloads[workload]()
print(json.dumps({**result, "importCpu": import_cpu}), flush=True)
