"""
A first Keras model
===================

Fit one ``Dense`` unit to a noisy straight line, draw the model, and plot the
training curves: define, compile, fit and evaluate in a few lines.
"""

# %%
# Setup
# -----
# ``seed_everything`` seeds Python, NumPy and TensorFlow in one call, so this
# script prints the same numbers every time it runs.
import keras
import matplotlib.pyplot as plt
import numpy as np

from tfdocs_helpers import EpochLogger, model_diagram, plot_history, seed_everything

seed_everything(0)
rng = np.random.default_rng(0)
x = rng.uniform(-1, 1, size=(256, 1)).astype("float32")
y = 3 * x - 1 + rng.normal(scale=0.05, size=x.shape).astype("float32")

# %%
# Define
# ------
model = keras.Sequential(
    [keras.Input((1,), name="x"), keras.layers.Dense(1, name="line")], name="line_fit"
)
model_diagram(model)

# %%
# Compile and fit
# ---------------
# A fifth of the data is held out to check the fit on points it never saw.
model.compile(optimizer=keras.optimizers.SGD(0.3), loss="mse", metrics=["mae"])
history = model.fit(
    x,
    y,
    epochs=15,
    batch_size=32,
    validation_split=0.2,
    verbose=0,
    callbacks=[EpochLogger(every=5)],
)

fig, ax = plt.subplots(figsize=(5, 3))
plot_history(history, metrics="loss", ax=ax, log_scale=True)

# %%
# Inspect
# -------
weight, bias = (float(np.squeeze(v)) for v in model.get_weights())
print(f"learned y = {weight:.2f} x {bias:+.2f}")

# sphinx_gallery_start_ignore
assert abs(weight - 3) < 0.1, weight
assert abs(bias + 1) < 0.1, bias
assert history.history["val_loss"][-1] < 0.01
# sphinx_gallery_end_ignore
