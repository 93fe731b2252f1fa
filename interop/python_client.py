"""A real Python Bokeh client against our embedded server (docs/interop.md).

    node interop/embedded-server.mjs 5207 &
    .venv-bokeh/bin/python interop/python_client.py http://127.0.0.1:5207/app
"""
import sys

import numpy as np
from bokeh.client import pull_session, push_session
from bokeh.document import Document
from bokeh.models import ColumnDataSource, Div

url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5207/app"

try:
    session = pull_session(url=url)
    print("pull ok:", [m.name for m in session.document.roots])
    session.close()
except Exception as error:  # Bokeh 3.8+ clients cannot read a 3.7 server's documents
    print("pull failed:", type(error).__name__, error)

doc = Document()
doc.add_root(ColumnDataSource(data=dict(x=np.arange(5.0)), name="np"))
doc.add_root(Div(text="from python"))
session = push_session(doc, url=url)
print("push ok:", session.id)
session.close()
