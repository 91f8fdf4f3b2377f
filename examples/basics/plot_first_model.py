"""
A first Keras model, end to end
===============================

The whole life of a Keras model in one short script, on a real table of
tumour measurements: define a classifier, compile it, fit it, evaluate it on
data it never saw, predict, save it to a file and load it back. Every step is
a single call.
"""

# %%
# Each step is taught on its own page: :doc:`/keras/workflow` walks through
# define, compile, fit, evaluate and predict, :doc:`/keras/sequential` builds
# models like this one, :doc:`/keras/preprocessing` explains the
# ``Normalization`` layer, and :doc:`/keras/saving` the ``.keras`` file.
#
# Setup
# -----
# ``keras.utils.set_random_seed`` seeds Python, NumPy and TensorFlow, and op
# determinism makes TensorFlow pick kernels that give the same result on every
# run, so this script prints the same numbers each time. (The other examples
# call ``seed_everything(0)`` from ``tfdocs_helpers``, which makes these two
# calls.)
#
# The data is scikit-learn's breast-cancer table: 569 biopsies, 30
# measurements each, benign or malignant. ``load_breast_cancer`` from
# ``tfdocs_helpers`` loads it and cuts it into training, validation and test
# parts that keep the share of each class.
import tempfile
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from tfdocs_helpers import load_breast_cancer

keras.utils.set_random_seed(0)
tf.config.experimental.enable_op_determinism()

data = load_breast_cancer()
print(f"{data.x_train.shape[1]} measurements per biopsy")
for part in ("train", "val", "test"):
    print(f"{part:>5}: {len(getattr(data, 'y_' + part))} biopsies")
print("classes:", data.target_names)

# %%
# Define
# ------
# A ``Sequential`` stack: a ``Normalization`` layer that standardises the 30
# measurements (it learns their mean and variance from the training part with
# ``adapt``), a hidden ``Dense`` layer, and one sigmoid unit whose output is
# the probability that the tumour is benign.
normalize = keras.layers.Normalization(name="standardise")
normalize.adapt(data.x_train)

model = keras.Sequential(
    [
        keras.Input((30,), name="measurements"),
        normalize,
        keras.layers.Dense(16, activation="relu", name="hidden"),
        keras.layers.Dense(1, activation="sigmoid", name="benign"),
    ],
    name="tumour_classifier",
)
model.summary(line_length=72)

# %%
# Compile
# -------
# ``compile`` chooses how the model learns: the optimizer that updates the
# weights, the loss it minimises (binary crossentropy, for a yes/no answer
# given as a probability) and the metrics it reports.
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=1e-2),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)

# %%
# Fit
# ---
# Twenty passes (epochs) over the training part in batches of 32; after each
# epoch Keras also measures the loss and accuracy on the validation part.
# ``verbose=0`` turns off Keras' progress bar, whose timings change from run
# to run, and a ``LambdaCallback`` prints one line every five epochs instead.
# (The other examples use ``EpochLogger`` from ``tfdocs_helpers``, which
# prints the same kind of line; see :doc:`/keras/callbacks`.)


def log_epoch(epoch, logs):
    if (epoch + 1) % 5 == 0:
        print(
            f"epoch {epoch + 1:2d}  loss {logs['loss']:.4f}  "
            f"val_loss {logs['val_loss']:.4f}  "
            f"val_accuracy {logs['val_accuracy']:.4f}"
        )


history = model.fit(
    data.x_train,
    data.y_train,
    validation_data=(data.x_val, data.y_val),
    epochs=20,
    batch_size=32,
    verbose=0,
    callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=log_epoch)],
)

# %%
# ``fit`` returns a ``History``: its ``history`` attribute holds one list per
# metric, one value per epoch, ready to plot. (``plot_history`` from
# ``tfdocs_helpers``, used by the other examples, draws the same curves and
# marks the best epoch.)
epochs = np.arange(1, len(history.history["loss"]) + 1)
fig, axes = plt.subplots(1, 2, figsize=(8, 3), layout="constrained")
for ax, name in zip(axes, ["loss", "accuracy"], strict=True):
    ax.plot(epochs, history.history[name], label="training")
    ax.plot(epochs, history.history[f"val_{name}"], "--", label="validation")
    ax.set(xlabel="epoch", ylabel=name)
    ax.legend()

# %%
# Both losses fall fast in the first five epochs. After that the validation
# loss flattens while the training loss keeps falling: more epochs would
# mostly fit the training rows better, not new ones.

# %%
# Evaluate
# --------
# The test part was used neither for training nor for any choice made above,
# so ``evaluate`` on it estimates how the model does on new biopsies.
test_loss, test_accuracy = model.evaluate(data.x_test, data.y_test, verbose=0)
print(f"test loss {test_loss:.4f}, test accuracy {test_accuracy:.4f}")

# %%
# Predict
# -------
# ``predict`` returns the sigmoid output for each row: the probability of
# "benign". A threshold of 0.5 turns it into a class. Here, the first three
# test biopsies of each class:
rows = np.concatenate(
    [np.flatnonzero(data.y_test == label)[:3] for label in (0, 1)]
)
probabilities = model.predict(data.x_test[rows], verbose=0)
for p, label in zip(probabilities[:, 0], data.y_test[rows], strict=True):
    guess = data.target_names[int(p > 0.5)]
    print(f"P(benign) {p:.3f}: {guess:9} (true: {data.target_names[label]})")

# %%
# The second malignant biopsy is called benign with a probability of 0.99. A
# sigmoid output is a score the model learned to make large or small, not a
# calibrated certainty: it can be confidently wrong. The test accuracy is the
# honest summary of how often it is right.

# %%
# Save and load
# -------------
# ``model.save`` writes the architecture, the weights (the ``Normalization``
# statistics included) and the compile settings to one ``.keras`` file, and
# ``keras.models.load_model`` rebuilds the model from it. The reloaded model
# takes the raw measurements and gives the same predictions. (A temporary
# folder keeps this script from leaving files behind.)
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "tumour_classifier.keras"
    model.save(path)
    print(f"saved {path.name}: {path.stat().st_size / 1024:.0f} KiB")
    reloaded = keras.models.load_model(path)

reloaded_probabilities = reloaded.predict(data.x_test[rows], verbose=0)
difference = np.abs(reloaded_probabilities - probabilities).max()
print(f"largest difference after reloading: {difference}")

# sphinx_gallery_start_ignore
assert test_accuracy >= 0.95, test_accuracy
assert history.history["val_accuracy"][-1] >= 0.95, history.history
assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]
assert model.count_params() == 61 + 496 + 17, model.count_params()
predicted = (probabilities[:, 0] > 0.5).tolist()
assert predicted == [False, True, False, True, True, True], probabilities
assert probabilities[1, 0] > 0.95, probabilities
assert difference == 0, difference
assert reloaded.name == "tumour_classifier"
assert not Path(folder).exists()
# sphinx_gallery_end_ignore
