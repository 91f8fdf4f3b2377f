"""
A figure laid out to fit
========================

The constrained layout makes room for every label.
"""

import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(5, 2), layout="constrained")
ax.plot([3, 1, 2], label="loss")
ax.set(xlabel="epoch", ylabel="loss", title="Training")
ax.legend()
