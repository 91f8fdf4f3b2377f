"""
A second example with a figure
==============================

Its outputs travel from the shard that ran it to the final build.
"""

import matplotlib.pyplot as plt
import numpy as np

steps = np.arange(10)
fig, ax = plt.subplots(figsize=(5, 2), layout="constrained")
ax.plot(steps, np.exp(-steps / 4), label="loss")
ax.set(xlabel="step", ylabel="loss", title="A decaying loss")
ax.legend()
print(f"mean loss {np.exp(-steps / 4).mean():.4f}")
