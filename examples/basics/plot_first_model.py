"""
A first Keras model
===================

Fit one ``Dense`` unit to a noisy straight line and plot the training loss:
the define, compile, fit, evaluate cycle in twenty lines.
"""

# %%
# Setup
# -----
import keras
import matplotlib.pyplot as plt
import numpy as np

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.uniform(-1, 1, size=(256, 1)).astype("float32")
y = 3 * x - 1 + rng.normal(scale=0.05, size=x.shape).astype("float32")

# %%
# Define, compile and fit
# -----------------------
model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(0.3), loss="mse")
history = model.fit(x, y, epochs=15, batch_size=32, verbose=0)

fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(range(1, 16), history.history["loss"])
ax.set(xlabel="epoch", ylabel="training loss (MSE)", yscale="log")

# %%
# Inspect
# -------
weight, bias = (float(np.squeeze(v)) for v in model.get_weights())
print(f"learned y = {weight:.2f} x {bias:+.2f}")
assert abs(weight - 3) < 0.1 and abs(bias + 1) < 0.1
