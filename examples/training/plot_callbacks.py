"""
Callbacks in action
===================

A callback is an object ``fit`` calls at fixed points of training (the start
and end of each epoch and batch). Here three of them act on one run:
``ReduceLROnPlateau`` halves the learning rate when the validation loss stalls,
``EarlyStopping`` ends training once it stops improving and puts back the best
weights, and a small custom callback records the learning rate of every epoch
so we can see what the other two did.
"""

# %%
# What this example builds on: :doc:`/keras/callbacks` introduces each of
# these callbacks and the hooks a custom one can override.
#
# Setup
# -----
# The breast cancer data set: 30 measurements per tumour, benign or malignant.
# Its validation part is small (85 samples), so the validation loss is noisy
# and stops improving within a few dozen epochs: a case for both callbacks.
# From ``tfdocs_helpers``: ``seed_everything(0)`` is
# ``keras.utils.set_random_seed(0)`` plus
# ``tf.config.experimental.enable_op_determinism()``; ``EpochLogger`` prints
# one line every few epochs, as a ``keras.callbacks.LambdaCallback`` would;
# ``plot_history`` draws ``history.history`` with Matplotlib and marks the
# best epoch.
import keras
import matplotlib.pyplot as plt

from tfdocs_helpers import (
    EpochLogger,
    load_breast_cancer,
    plot_history,
    seed_everything,
)

seed_everything(0)
data = load_breast_cancer()
print(data)

# %%
# Model
# -----
# The features span several orders of magnitude, so a ``Normalization`` layer,
# adapted to the training part, standardises them inside the model.
normalize = keras.layers.Normalization(name="standardize")
normalize.adapt(data.x_train)
model = keras.Sequential(
    [
        keras.Input((data.x_train.shape[1],), name="features"),
        normalize,
        keras.layers.Dense(16, activation="relu", name="hidden"),
        keras.layers.Dense(1, activation="sigmoid", name="malignant"),
    ],
    name="tumour_classifier",
)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=1e-2),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)

# %%
# A custom callback
# -----------------
# Subclass ``keras.callbacks.Callback`` and override the hooks you need. At the
# start of an epoch, ``self.model`` is the model being trained, so its
# optimizer's learning rate is the one this epoch will use.


class LearningRateRecorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.rates = []

    def on_epoch_begin(self, epoch, logs=None):
        self.rates.append(float(self.model.optimizer.learning_rate))


# %%
# Train with the callbacks
# ------------------------
# ``ReduceLROnPlateau`` halves the learning rate after 3 epochs without a new
# best validation loss. ``EarlyStopping`` waits longer (8 epochs), so the
# smaller learning rate gets a chance first; when it stops, it restores the
# weights of the best epoch. The limit of 200 epochs is never meant to be
# reached. ``ReduceLROnPlateau`` also writes ``learning_rate`` into the logs,
# so ``EpochLogger`` can print it.
recorder = LearningRateRecorder()
early_stopping = keras.callbacks.EarlyStopping(
    monitor="val_loss", patience=8, restore_best_weights=True
)
reduce_lr = keras.callbacks.ReduceLROnPlateau(
    monitor="val_loss", factor=0.5, patience=3, min_lr=1e-4
)
max_epochs = 200
history = model.fit(
    data.x_train,
    data.y_train,
    validation_data=(data.x_val, data.y_val),
    epochs=max_epochs,
    batch_size=64,
    verbose=0,
    callbacks=[
        recorder,
        reduce_lr,
        early_stopping,
        EpochLogger(every=5, metrics=["loss", "learning_rate"]),
    ],
)
epochs_run = len(history.history["loss"])
best_epoch = early_stopping.best_epoch + 1
print(f"stopped after {epochs_run} epochs; best epoch {best_epoch}")

# %%
# What happened
# -------------
# Left, the loss curves with the best validation epoch marked; right, the
# learning rate the recorder saw at the start of each epoch, which steps down
# each time the validation loss stalled.
fig, (ax_loss, ax_lr) = plt.subplots(1, 2, figsize=(9, 3.5))
plot_history(history, metrics="loss", ax=ax_loss)
ax_loss.axvline(best_epoch, color="grey", linestyle=":", label="restored")
ax_loss.legend()
epochs = range(1, len(recorder.rates) + 1)
ax_lr.plot(
    epochs, recorder.rates, marker="o", markersize=3, drawstyle="steps-mid"
)
ax_lr.set_ylim(0, 1.1 * max(recorder.rates))
ax_lr.set_xlabel("epoch")
ax_lr.set_ylabel("learning rate")
ax_lr.grid(True, alpha=0.3)
fig.tight_layout()

# %%
# The restored weights
# --------------------
# After ``fit`` returns, the model holds the weights of the best epoch, not of
# the last one: evaluating on the validation part gives back the best
# validation loss, not the one of the last epoch.
val_loss, val_accuracy = model.evaluate(data.x_val, data.y_val, verbose=0)
test_loss, test_accuracy = model.evaluate(data.x_test, data.y_test, verbose=0)
last_val_loss = history.history["val_loss"][-1]
print(f"val_loss at the last epoch ({epochs_run}):  {last_val_loss:.4f}")
print(f"val_loss at the best epoch ({best_epoch}):  {early_stopping.best:.4f}")
print(f"val_loss of the restored model: {val_loss:.4f}")
print(f"test accuracy {test_accuracy:.4f}")

# sphinx_gallery_start_ignore
assert epochs_run < max_epochs, epochs_run
assert epochs_run == best_epoch + early_stopping.patience, (
    epochs_run,
    best_epoch,
)
assert min(recorder.rates) < recorder.rates[0], recorder.rates
assert abs(recorder.rates[0] - 1e-2) < 1e-6, recorder.rates[0]
assert len(recorder.rates) == epochs_run
assert abs(val_loss - early_stopping.best) < 1e-4, (
    val_loss,
    early_stopping.best,
)
assert last_val_loss > early_stopping.best, (
    last_val_loss,
    early_stopping.best,
)
assert test_accuracy >= 0.9, test_accuracy
# sphinx_gallery_end_ignore
