"""The real Python Bokeh client, driven line by line by interop/embedded-checks.mjs
(`npm run interop`) against our embedded server.

Reads one JSON command per line on stdin and answers one JSON line on stdout:
  {"op": "push", "url": U}                       push_session of a document with a numpy
                                                 ColumnDataSource "np" (x = 0..4) and a Div "div"
  {"op": "pull", "url": U, "session_id": S?}     pull_session
  {"op": "set", "name": N, "attr": A, "value": V}  set a property (sent on the next loop turn)
  {"op": "stream", "name": N, "data": {col: [..]}} stream float64 rows
  {"op": "wait", "name": N, "attr": A, "column": C?, "value": V}
                                                 run the client's loop, idle, until the property
                                                 (or one column of it) equals V or 10 s have
                                                 passed; answers the value it holds then
  {"op": "close"}
Answers {"ok": true, ...} or {"ok": false, "error": "<type>: <message>"}.
"""
import json
import sys

import numpy as np
from bokeh.client import pull_session, push_session
from bokeh.document import Document
from bokeh.models import ColumnDataSource, Div

session = None


def plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def model(name):
    found = session.document.get_model_by_name(name)
    if found is None:
        raise KeyError(f"no model named {name!r} in the document")
    return found


def handle(command):
    global session
    op = command["op"]
    if op == "push":
        doc = Document()
        doc.add_root(ColumnDataSource(data=dict(x=np.arange(5.0)), name="np"))
        doc.add_root(Div(text="from python", name="div"))
        doc.title = "pushed from python"
        session = push_session(doc, url=command["url"])
        return {"id": session.id}
    if op == "pull":
        session = pull_session(url=command["url"], session_id=command.get("session_id"))
        roots = session.document.roots
        return {"id": session.id, "roots": sorted(r.name or r.__class__.__name__ for r in roots)}
    if op == "set":
        setattr(model(command["name"]), command["attr"], command["value"])
        session.force_roundtrip()  # runs the loop: the patch goes out before the reply comes
        return {}
    if op == "stream":
        data = {k: np.array(v, dtype=np.float64) for k, v in command["data"].items()}
        model(command["name"]).stream(data)
        session.force_roundtrip()
        return {}
    if op == "wait":
        # Python applies a server's PATCH-DOC only while its loop runs in the idle state:
        # force_roundtrip() would drop one that arrives while it waits for its reply
        # (WAITING_FOR_REPLY ignores other messages). So this runs the loop the way
        # loop_until_closed() does, until the value is there (private API: the public
        # one never returns).
        def current():
            value = plain(getattr(model(command["name"]), command["attr"]))
            return value[command["column"]] if "column" in command else value

        connection = session._connection
        timer = connection._loop.call_later(10, connection._loop.stop)
        connection._loop_until(lambda: current() == command["value"])
        connection._loop.remove_timeout(timer)
        return {"value": current()}
    if op == "close":
        if session is not None:
            session.close()
        return {}
    raise ValueError(f"unknown op {op!r}")


for line in sys.stdin:
    if not line.strip():
        continue
    try:
        answer = {"ok": True, **handle(json.loads(line))}
    except Exception as error:  # reported to the checks, which print it
        answer = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    print(json.dumps(answer), flush=True)
