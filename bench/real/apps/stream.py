# bench:real: an empty ColumnDataSource "source" (float64 numpy x and y) to stream into.
import numpy as np
from bokeh.io import curdoc
from bokeh.models import ColumnDataSource

curdoc().add_root(ColumnDataSource(name="source", data=dict(x=np.zeros(0), y=np.zeros(0))))
