"""
A learning-rate range test
==========================

Which learning rate should a model train with? A range test answers in one short
run: raise the learning rate exponentially after every batch, from far too small
to far too large, record the loss, and read off where it falls fastest and where
it blows up. A custom Keras callback does the bookkeeping; three short trainings
then check the suggestion.
"""

# %%
# What this example builds on: :doc:`/keras/optimizers` explains SGD with
# momentum and learning rates, and :doc:`/keras/callbacks` how a callback
# hooks into ``fit``, batch by batch.
#
# Setup
# -----
# The 8×8 digits as 64 pixel values scaled to [0, 1], and a small multilayer
# perceptron that outputs logits. (``seed_everything(0)``, from
# ``tfdocs_helpers``, is ``keras.utils.set_random_seed(0)`` plus
# ``tf.config.experimental.enable_op_determinism()``.) The range test changes the weights, so we keep
# the initial ones to start every later training from the same point.
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from tfdocs_helpers import (
    EpochLogger,
    load_digits,
    plot_history,
    seed_everything,
)

seed_everything(0)
digits = load_digits(images=False)
x_train, y_train = digits.x_train / 16, digits.y_train
x_val, y_val = digits.x_val / 16, digits.y_val


def make_model():
    return keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10),
        ]
    )


initial_weights = make_model().get_weights()

# %%
# The range-test callback
# -----------------------
# Before each batch the callback sets the optimizer's learning rate; when the
# optimizer was built with a plain number, ``optimizer.learning_rate`` is a
# variable and assigning to it takes effect at the next step. After each batch
# it records the loss. One subtlety: in Keras 3 the ``logs["loss"]`` a callback
# receives is the *running mean* over the epoch so far, not the loss of that
# batch. With batches of equal size, batch ``k``'s own loss is
# ``(k + 1) * mean_k - k * mean_(k-1)``. The test stops early once the loss is
# four times its best value: the learning rate is too large from there on.
# Setting ``self.model.stop_training = True`` in a batch hook stops ``fit``
# after that batch, not at the end of the epoch.


class LRRangeTest(keras.callbacks.Callback):
    def __init__(self, start, stop, steps):
        super().__init__()
        self.rates = start * (stop / start) ** (np.arange(steps) / (steps - 1))
        self.lrs, self.losses = [], []
        self._total = 0.0  # sum of the batch losses so far

    def on_train_batch_begin(self, batch, logs=None):
        self.model.optimizer.learning_rate = self.rates[batch]

    def on_train_batch_end(self, batch, logs=None):
        total = logs["loss"] * (batch + 1)
        loss, self._total = total - self._total, total
        self.lrs.append(self.rates[batch])
        self.losses.append(loss)
        if not np.isfinite(loss) or loss > 4 * min(self.losses):
            self.model.stop_training = True


# %%
# Run it
# ------
# Eighty batches of 32 (two passes over the 1,257 training images) with the
# learning rate growing from 0.001 to 10. A repeated, shuffled ``tf.data``
# pipeline with ``drop_remainder=True`` keeps every batch the same size, and one
# "epoch" of 80 steps keeps the running mean from being reset halfway.
steps = 80
batches = (
    tf.data.Dataset.from_tensor_slices((x_train, y_train))
    .shuffle(len(x_train), seed=0)
    .repeat()
    .batch(32, drop_remainder=True)
)
model = make_model()
model.set_weights(initial_weights)
model.compile(
    optimizer=keras.optimizers.SGD(momentum=0.9),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
range_test = LRRangeTest(start=1e-3, stop=10.0, steps=steps)
model.fit(
    batches,
    epochs=1,
    steps_per_epoch=steps,
    shuffle=False,
    verbose=0,
    callbacks=[range_test],
)
lrs, losses = np.array(range_test.lrs), np.array(range_test.losses)
print(
    f"stopped after {len(losses)} of {steps} steps, at learning rate {lrs[-1]:.2f}"
)

# %%
# Read the curve
# --------------
# Single-batch losses are noisy, so we smooth them with an exponential moving
# average (corrected for starting at zero, like Adam's). Two classic readings:
# the learning rate where the smoothed loss falls fastest (the most negative
# slope against log learning rate), and one tenth of the learning rate at the
# lowest smoothed loss. The lowest point itself is too large: it is already at
# the edge of divergence, reached only for a step or two.
smoothed, average = np.empty_like(losses), 0.0
for step, loss in enumerate(losses):
    average = 0.9 * average + 0.1 * loss
    smoothed[step] = average / (1 - 0.9 ** (step + 1))

lowest = int(np.argmin(smoothed))
slope = np.gradient(smoothed, np.log10(lrs))
steepest = int(np.argmin(slope[:lowest]))
suggested = lrs[lowest] / 10
print(f"steepest descent at lr {lrs[steepest]:.3f}")
print(
    f"lowest smoothed loss at lr {lrs[lowest]:.3f} -> suggestion {suggested:.3f}"
)

fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
ax.plot(lrs, losses, ".", color="0.7", label="batch loss")
ax.plot(lrs, smoothed, label="smoothed")
ax.axvline(lrs[steepest], color="C2", ls="--", label="steepest descent")
ax.axvline(lrs[lowest], color="C3", ls=":", label="lowest smoothed loss")
ax.axvline(suggested, color="C1", ls="-.", label="suggestion (lowest / 10)")
ax.set_xscale("log")
ax.set_xlabel("learning rate")
ax.set_ylabel("loss")
ax.set_ylim(0, 1.3 * losses[0])
ax.grid(True, alpha=0.3)
_ = ax.legend(fontsize="small")

# %%
# Check the suggestion
# --------------------
# Three short trainings from the same initial weights: at the start of the
# range (0.001), at the suggestion, and at the learning rate of the lowest
# smoothed loss.
candidates = {
    "too small": 1e-3,
    "suggested": suggested,
    "lowest point": lrs[lowest],
}
histories = {}
for name, lr in candidates.items():
    model = make_model()
    model.set_weights(initial_weights)
    model.compile(
        optimizer=keras.optimizers.SGD(lr, momentum=0.9),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    print(f"learning rate {lr:.3f} ({name})")
    histories[name] = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=5,
        batch_size=32,
        verbose=0,
        callbacks=[EpochLogger(every=5)],
    )

fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
labels = [f"lr {lr:.3f} ({name})" for name, lr in candidates.items()]
plot_history(
    list(histories.values()),
    metrics="val_loss",
    labels=labels,
    ax=ax,
    log_scale=True,
    mark_best=False,
)
# The colours of the lines above: grey for the start of the range, orange
# for the suggestion, red for the lowest point.
for line, color in zip(ax.get_lines(), ["0.5", "C1", "C3"], strict=True):
    line.set_color(color)
_ = ax.legend()

# %%
# The smallest rate barely moves in five epochs, the rate at the lowest point of
# the test is too large to train with for long, and the suggestion learns fast
# and stays stable. The test costs less than two epochs, and its answer carries
# over to the full training as long as the model, the batch size and the
# optimizer stay the same.

# sphinx_gallery_start_ignore
final = {name: h.history for name, h in histories.items()}
assert 20 < len(losses) <= steps, len(losses)
assert 0.02 < suggested < 0.3, suggested
assert lrs[steepest] < lrs[lowest]
assert min(smoothed) < 0.6 * smoothed[0], smoothed
assert final["suggested"]["loss"][-1] < final["suggested"]["loss"][0] / 5, (
    final
)
assert final["suggested"]["val_accuracy"][-1] > 0.9, final
assert (
    final["suggested"]["val_loss"][-1]
    < 0.5 * final["too small"]["val_loss"][-1]
)
assert (
    final["suggested"]["val_loss"][-1]
    < 0.5 * final["lowest point"]["val_loss"][-1]
)
# sphinx_gallery_end_ignore
