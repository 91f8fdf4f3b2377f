"""
A dense autoencoder for the digits
==================================

Squeeze each 8×8 digit (64 pixels) through a code of 8 numbers and rebuild it.
The network is trained with the images as their own targets, and judged
against the laziest reconstruction there is: the average training image.
"""

# %%
# What this example builds on: :doc:`/keras/sequential` builds the encoder
# and decoder (and nests them in a third model), and
# :doc:`/keras/losses-and-metrics` explains the mean squared error they are
# trained on.
#
# Introduction
# ------------
# An autoencoder is two networks trained as one. The **encoder** maps an image
# to a short code; the **decoder** maps the code back to an image. The loss
# compares the output with the input, so no labels are needed. Because the
# code has far fewer numbers than the image, the network cannot simply copy
# pixels: it has to find what the digits have in common and keep only what
# tells one image from another.
#
# Setup
# -----
# From ``tfdocs_helpers``: ``seed_everything(0)`` is
# ``keras.utils.set_random_seed(0)`` plus
# ``tf.config.experimental.enable_op_determinism()``; ``EpochLogger`` prints
# one line every few epochs, as a ``keras.callbacks.LambdaCallback`` would;
# ``plot_history`` draws ``history.history`` with Matplotlib and marks the
# best epoch; ``model_diagram`` draws the model.
import keras
import matplotlib.pyplot as plt
import numpy as np

from tfdocs_helpers import (
    EpochLogger,
    load_digits,
    model_diagram,
    plot_history,
    seed_everything,
)

seed_everything(0)
data = (
    load_digits()
)  # images (n, 8, 8, 1) in [0, 1]; labels only for inspection
print(data)

# %%
# The baseline to beat predicts the mean training image for every input. Its
# error is the average pixel variance: what is left when nothing about the
# particular image is used.
mean_image = data.x_train.mean(axis=0)
baseline_mse = float(((data.x_test - mean_image) ** 2).mean())
print(f"mean-image baseline: test MSE {baseline_mse:.4f}")

# %%
# Build
# -----
# The encoder flattens the image and narrows 64 → 32 → 8; the decoder mirrors
# it, 8 → 32 → 64, with a sigmoid so the pixels land in [0, 1] like the
# inputs, and reshapes back to 8×8×1. Building them as two models and chaining
# them in a third keeps the encoder usable on its own afterwards.
code_size = 8
encoder = keras.Sequential(
    [
        keras.Input((8, 8, 1), name="image"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(32, activation="relu", name="enc_hidden"),
        keras.layers.Dense(code_size, name="code"),
    ],
    name="encoder",
)
decoder = keras.Sequential(
    [
        keras.Input((code_size,), name="code"),
        keras.layers.Dense(32, activation="relu", name="dec_hidden"),
        keras.layers.Dense(64, activation="sigmoid", name="pixels"),
        keras.layers.Reshape((8, 8, 1), name="to_image"),
    ],
    name="decoder",
)
autoencoder = keras.Sequential(
    [keras.Input((8, 8, 1), name="image"), encoder, decoder],
    name="autoencoder",
)
model_diagram(autoencoder, expand_nested=True)

# %%
# Train briefly
# -------------
# Inputs and targets are the same array.
autoencoder.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
history = autoencoder.fit(
    data.x_train,
    data.x_train,
    validation_data=(data.x_val, data.x_val),
    epochs=20,
    batch_size=64,
    verbose=0,
    callbacks=[EpochLogger(every=5)],
)

# %%
# The dotted line is the mean-image baseline on the validation images. The
# reconstruction error falls far below it within a few epochs, and the training
# and validation curves stay together: with only 8 numbers to pass through,
# there is little room to memorise.
val_baseline_mse = float(((data.x_val - mean_image) ** 2).mean())
fig, ax = plt.subplots(figsize=(6, 3.5))
plot_history(history, ax=ax, log_scale=True)
ax.axhline(val_baseline_mse, color="grey", linestyle=":")
ax.text(
    20, val_baseline_mse, "mean image (validation)", ha="right", va="bottom"
)
fig.tight_layout()

# %%
# Inspect
# -------
# Test digits (top row) and their reconstructions from 8 numbers each (bottom
# row). The shapes survive; fine details and unusual strokes are smoothed away.
# The 270 test images are one batch, so the model is called on them directly
# rather than through ``model.predict``, which is built for many batches.
reconstructed = autoencoder(data.x_test).numpy()
test_mse = float(((reconstructed - data.x_test) ** 2).mean())
print(
    f"autoencoder: test MSE {test_mse:.4f}, {test_mse / baseline_mse:.0%} of baseline"
)

# %%
first = [int(np.flatnonzero(data.y_test == digit)[0]) for digit in range(10)]
fig, axes = plt.subplots(2, 10, figsize=(9, 2.3))
for column, index in enumerate(first):
    for row, images in enumerate((data.x_test, reconstructed)):
        ax = axes[row, column]
        ax.imshow(images[index, ..., 0], cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
axes[0, 0].set_ylabel("input")
axes[1, 0].set_ylabel("output")
fig.tight_layout()

# %%
# The error per class shows which digits the 8-number code describes best. The
# labels played no part in training; they only group the test images here. The
# grey bars are the mean-image baseline for the same images.
per_image = ((reconstructed - data.x_test) ** 2).mean(axis=(1, 2, 3))
per_image_baseline = ((data.x_test - mean_image) ** 2).mean(axis=(1, 2, 3))
digits = np.arange(10)
per_class = np.array([per_image[data.y_test == d].mean() for d in digits])
per_class_baseline = np.array(
    [per_image_baseline[data.y_test == d].mean() for d in digits]
)

fig, ax = plt.subplots(figsize=(7, 3.2))
ax.bar(
    digits - 0.2, per_class_baseline, 0.4, color="tab:grey", label="mean image"
)
ax.bar(digits + 0.2, per_class, 0.4, color="tab:blue", label="autoencoder")
ax.set_xticks(digits)
ax.set(xlabel="digit", ylabel="test MSE per pixel", ylim=(0, 0.11))
ax.legend(loc="upper left", ncols=2)
fig.tight_layout()
print("hardest digit to reconstruct:", int(per_class.argmax()))
print("easiest:", int(per_class.argmin()))

# %%
# The encoder alone gives the codes: 8 numbers per image that a classifier or a
# nearest-neighbour search could work with instead of 64 pixels.
codes = encoder(data.x_test).numpy()
print("codes:", codes.shape)

# sphinx_gallery_thumbnail_number = 2

# sphinx_gallery_start_ignore
assert 0.07 < baseline_mse < 0.08, baseline_mse
assert test_mse < 0.4 * baseline_mse, (test_mse, baseline_mse)
assert history.history["val_loss"][4] < 0.6 * val_baseline_mse, history.history
assert per_class_baseline.max() < 0.11, per_class_baseline
assert history.history["val_loss"][-1] < 0.4 * baseline_mse, history.history
assert (per_class < per_class_baseline).all(), (per_class, per_class_baseline)
assert codes.shape == (270, code_size)
assert reconstructed.shape == data.x_test.shape
diagram = model_diagram(autoencoder, expand_nested=True)
assert (len(diagram.nodes), len(diagram.edges)) == (7, 6), diagram
# sphinx_gallery_end_ignore
