# bench:real: a ColumnDataSource "source" of float64 numpy columns c0, c1, ... for each
# new session; `?columns=2&rows=1000000` (the defaults). Value i of column c: i * 0.5 + c.
import numpy as np
from bokeh.io import curdoc
from bokeh.models import ColumnDataSource

args = curdoc().session_context.request.arguments
columns = int(args.get("columns", [b"2"])[0])
rows = int(args.get("rows", [b"1000000"])[0])
base = np.arange(rows, dtype=np.float64) * 0.5
curdoc().add_root(ColumnDataSource(name="source", data={f"c{c}": base + c for c in range(columns)}))
