"""
A failing example
=================

The third statement raises.
"""

import numpy as np

values = np.arange(3)
values.reshape(2, 2)  # fails here
