"""
Drawing a line
==============

A figure without a title, as many examples have.
"""

import matplotlib.pyplot as plt

# %%
# Draw
# ----
fig, ax = plt.subplots(figsize=(3, 2), layout="constrained")
ax.plot([0, 1], [1, 0])
