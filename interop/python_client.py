"""A real Python Bokeh client against our embedded server (docs/interop.md).

    node interop/embedded-server.mjs 5207 3.9.2 &
    .venv-bokeh/bin/python interop/python_client.py http://127.0.0.1:5207/app

Pulls, pushes and patches (a property set, a stream), and reads every change back
through a second session. Exits non-zero on the first check that fails.
"""
import sys

import numpy as np
from bokeh import __version__
from bokeh.client import pull_session, push_session
from bokeh.document import Document
from bokeh.models import ColumnDataSource, Div

url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5207/app"


def check(what, ok):
    print(("ok:    " if ok else "FAIL:  ") + what)
    if not ok:
        sys.exit(1)


def column(session, name, col):
    return list(session.document.get_model_by_name(name).data[col])


# pull, then patch the pulled session
session = pull_session(url=url)
info = session.request_server_info()
check(f"pull_session (Bokeh {__version__} client, server says {info['version_info']['bokeh']}): roots "
      f"{[m.name for m in session.document.roots]}", [m.name for m in session.document.roots] == ["src", "div"])
check("the pulled column is numpy float64 [1, 2, 3]",
      isinstance(session.document.get_model_by_name("src").data["x"], np.ndarray) and column(session, "src", "x") == [1, 2, 3])
session.document.get_model_by_name("div").text = "set by python"
session.document.get_model_by_name("src").stream({"x": np.array([4.0, 5.0])})
session.force_roundtrip()
again = pull_session(session_id=session.id, url=url)
check("a property set and a stream, read back by a second pull",
      again.document.get_model_by_name("div").text == "set by python" and column(again, "src", "x") == [1, 2, 3, 4, 5])
again.close()
session.close()

# push, then patch the pushed session
doc = Document()
doc.title = "pushed by python"
doc.add_root(ColumnDataSource(data=dict(x=np.arange(5.0), n=np.array([1, -2, 3], dtype=np.int32)[[0, 1, 2, 0, 1]]), name="np"))
doc.add_root(Div(text="from python", name="div"))
pushed = push_session(doc, url=url)
back = pull_session(session_id=pushed.id, url=url)
check("push_session, read back by a pull: title, float64 and int32 columns",
      back.document.title == "pushed by python" and column(back, "np", "x") == [0, 1, 2, 3, 4] and column(back, "np", "n") == [1, -2, 3, 1, -2])
back.close()
doc.get_model_by_name("div").text = "changed after push"
doc.get_model_by_name("np").stream({"x": np.array([5.0]), "n": np.array([9], dtype=np.int32)})
pushed.force_roundtrip()
back = pull_session(session_id=pushed.id, url=url)
check("a property set and a stream on the pushed document, read back by a pull",
      back.document.get_model_by_name("div").text == "changed after push" and column(back, "np", "n") == [1, -2, 3, 1, -2, 9])
back.close()
pushed.close()
print("all checks passed")
