# The app of docs/interop.md: a line plot of a numpy source, a slider whose Python
# callback writes into a Div.
import numpy as np
from bokeh.io import curdoc
from bokeh.models import ColumnDataSource, Slider, Div
from bokeh.plotting import figure
from bokeh.layouts import column
x = np.arange(10.0)
source = ColumnDataSource(data=dict(x=x, y=np.sin(x)), name="source")
p = figure(title="Demo", name="plot", width=500, height=250)
p.line("x", "y", source=source)
slider = Slider(start=0, end=10, value=1, step=0.5, title="Amplitude", name="amplitude")
div = Div(text="hello", name="div")
# Every value the callback saw, as "count:hash" (an order-sensitive hash, mod 1e9+7).
seen = Div(text="0:0", name="seen")
def on_slider(attr, old, new):
    div.text = f"slider={new}"
    count, h = (int(part) for part in seen.text.split(":"))
    seen.text = f"{count + 1}:{(h * 31 + int(new)) % 1000000007}"
slider.on_change("value", on_slider)
curdoc().add_root(column(slider, p, div, seen, name="layout"))
curdoc().title = "Demo app"
