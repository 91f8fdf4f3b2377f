"""
A noisy example
===============

Fit with Keras' progress bar on, as a reader's script would.
"""

import keras
import numpy as np

keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse")
history = model.fit(np.zeros((64, 2)), np.zeros((64, 1)), epochs=2, batch_size=8)

# %%
# Every gallery example plots something; this one, its loss.
import matplotlib.pyplot as plt

fig, ax = plt.subplots()
ax.plot(history.history["loss"])
