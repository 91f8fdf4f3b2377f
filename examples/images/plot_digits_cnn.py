"""
Classifying handwritten digits with a small CNN
===============================================

Train a two-block convolutional network on the 8×8 digits bundled with
scikit-learn, then look past the accuracy: a confusion matrix shows which digits
the network mixes up, and a grid of its mistakes shows why.
"""

# %%
# What this example builds on: :doc:`/keras/layers` introduces ``Conv2D``,
# pooling and ``Dense`` layers, :doc:`/keras/sequential` stacks them, and
# :doc:`/keras/workflow` compiles, fits and evaluates the model.
#
# Introduction
# ------------
# The 1,797 digits are 8×8 grey images, small enough to train a convolutional
# network on a CPU in seconds. ``Conv2D`` layers slide small learned filters over
# the image, so a stroke is detected the same way wherever it appears;
# ``MaxPooling2D`` halves the resolution and keeps the strongest responses, so
# the next layer sees a wider area. A ``Dense`` layer turns the final feature
# maps into ten class scores.
#
# Setup
# -----
# ``load_digits`` returns images of shape ``(8, 8, 1)`` scaled to [0, 1], split
# into training, validation and test parts that keep the class balance.
# From ``tfdocs_helpers``: ``seed_everything(0)`` is
# ``keras.utils.set_random_seed(0)`` plus
# ``tf.config.experimental.enable_op_determinism()``; ``EpochLogger`` prints
# one line every few epochs, as a ``keras.callbacks.LambdaCallback`` would;
# ``plot_history`` draws ``history.history`` with Matplotlib and marks the
# best epoch; ``model_diagram`` draws the model.
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from tfdocs_helpers import (
    EpochLogger,
    load_digits,
    model_diagram,
    plot_history,
    seed_everything,
)

seed_everything(0)
data = load_digits()
print(data)

# %%
# The first training images, with their labels:
fig, axes = plt.subplots(2, 8, figsize=(8, 3))
for ax, image, label in zip(
    axes.flat, data.x_train, data.y_train, strict=False
):
    ax.imshow(image[..., 0], cmap="gray_r", vmin=0, vmax=1)
    ax.set_title(str(label))
    ax.axis("off")
fig.tight_layout()

# %%
# Build
# -----
# Two convolution blocks (16, then 32 filters of 3×3, ``padding="same"`` so the
# 8×8 border is kept), each followed by 2×2 max pooling: 8×8 → 4×4 → 2×2. The
# 2×2×32 feature maps are flattened into 128 numbers, and a ``Dense`` layer with
# a softmax gives one probability per digit.
model = keras.Sequential(
    [
        keras.Input((8, 8, 1), name="image"),
        keras.layers.Conv2D(
            16, 3, padding="same", activation="relu", name="conv1"
        ),
        keras.layers.MaxPooling2D(name="pool1"),
        keras.layers.Conv2D(
            32, 3, padding="same", activation="relu", name="conv2"
        ),
        keras.layers.MaxPooling2D(name="pool2"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(10, activation="softmax", name="digit"),
    ],
    name="digits_cnn",
)
model_diagram(model)

# %%
# Train briefly
# -------------
# The labels are integers 0-9, so the loss is
# ``sparse_categorical_crossentropy`` (no one-hot encoding needed). Fifteen
# epochs of Adam are enough here; the validation part shows whether the network
# generalises or only memorises.
model.compile(
    optimizer=keras.optimizers.Adam(3e-3),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
history = model.fit(
    data.x_train,
    data.y_train,
    validation_data=(data.x_val, data.y_val),
    epochs=15,
    batch_size=32,
    verbose=0,
    callbacks=[EpochLogger(every=5)],
)

# %%
# The training loss keeps falling while the validation loss levels off: the
# network is starting to fit details of the training images that do not carry
# over. Fifteen epochs stop it before that matters.
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.2))
plot_history(history, metrics="loss", ax=ax_loss, log_scale=True)
plot_history(history, metrics="accuracy", ax=ax_acc)
fig.tight_layout()

# %%
# Inspect
# -------
# The test part was used neither for training nor for choosing when to stop, so
# its accuracy is an honest estimate of how the network does on new digits.
test_loss, test_accuracy = model.evaluate(data.x_test, data.y_test, verbose=0)
print(f"test accuracy {test_accuracy:.4f} ({len(data.y_test)} images)")

# %%
# Confusion matrix
# ~~~~~~~~~~~~~~~~
# Row *i*, column *j* counts the test images of digit *i* that the network
# labelled *j*: a perfect classifier has numbers only on the diagonal.
# ``tf.math.confusion_matrix`` computes it from the true and predicted labels.
#
# The 270 test images fit in one batch, so the model is simply called on them:
# ``model.predict`` is meant for data too large for one batch, and traces a
# ``tf.function`` of its own the first time it runs.
probabilities = model(data.x_test).numpy()
predicted = probabilities.argmax(axis=1)
confusion = tf.math.confusion_matrix(
    data.y_test, predicted, num_classes=10
).numpy()

fig, ax = plt.subplots(figsize=(5, 4.4))
image = ax.imshow(confusion, cmap="Blues")
for i in range(10):
    for j in range(10):
        if confusion[i, j]:
            color = (
                "white" if confusion[i, j] > confusion.max() / 2 else "black"
            )
            ax.text(
                j, i, confusion[i, j], ha="center", va="center", color=color
            )
ax.set_xticks(range(10))
ax.set_yticks(range(10))
ax.set_xlabel("predicted digit")
ax.set_ylabel("true digit")
ax.set_title("Test set confusion matrix")
fig.colorbar(image, ax=ax, label="images")
fig.tight_layout()

# %%
# The mistakes
# ~~~~~~~~~~~~
# Looking at the misclassified images is often more instructive than the
# accuracy: at 8×8 pixels some digits are ambiguous even for a person. Each
# title gives the prediction, the true label and the probability the network
# gave to its (wrong) answer.
wrong = np.flatnonzero(predicted != data.y_test)
print(f"{len(wrong)} of {len(data.y_test)} test images are misclassified")

# %%
shown = wrong[:8]
fig, axes = plt.subplots(
    1, max(len(shown), 1), figsize=(8, 2.2), squeeze=False
)
for ax in axes.flat:
    ax.axis("off")
for ax, index in zip(axes.flat, shown, strict=False):
    ax.imshow(data.x_test[index, ..., 0], cmap="gray_r", vmin=0, vmax=1)
    guess, truth = predicted[index], data.y_test[index]
    ax.set_title(
        f"pred {guess} ({probabilities[index, guess]:.0%})\ntrue {truth}",
        fontsize="small",
        color="tab:red",
    )
fig.suptitle("Misclassified test images")
fig.tight_layout()

# sphinx_gallery_thumbnail_number = 3

# sphinx_gallery_start_ignore
assert test_accuracy >= 0.95, test_accuracy
assert history.history["val_accuracy"][-1] >= 0.95, history.history
assert history.history["loss"][-1] < 0.2, history.history["loss"]
assert confusion.sum() == len(data.y_test) == 270
assert np.trace(confusion) == len(data.y_test) - len(wrong)
assert len(model_diagram(model).nodes) == 7
# sphinx_gallery_end_ignore
