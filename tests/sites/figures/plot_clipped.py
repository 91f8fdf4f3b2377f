"""
A figure too small for its labels
=================================

Without a layout engine, the x-axis label of this short figure is cut off at
the bottom of the saved image.
"""

import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(5, 2.5))
ax.plot([3, 1, 2])
ax.set_xlabel("epoch")  # fails here
ax.set_ylabel("loss")
