# bench:real: 100 Sliders s0..s99 (0 to 100,000) for single-edit workloads.
from bokeh.io import curdoc
from bokeh.models import Slider

for i in range(100):
    curdoc().add_root(Slider(name=f"s{i}", start=0, end=100_000, value=0, step=1))
