"""
A custom training loop
======================

``model.fit`` hides a loop: draw a batch, compute the loss under a
``tf.GradientTape``, turn it into gradients, let the optimizer apply them, and
update the metrics. Here that loop is written out by hand for a small
classifier of handwritten digits, with a validation pass after every epoch,
so each step is visible and can be changed.
"""

# %%
# Setup
# -----
# The 8x8 digit images are flattened to 64 features. ``as_datasets`` wraps the
# three parts as ``tf.data`` pipelines; the training part is reshuffled every
# epoch from a fixed seed.
import keras
import matplotlib.pyplot as plt
import tensorflow as tf

from tfdocs_helpers import load_digits, plot_history, seed_everything

seed_everything(0)
digits = load_digits(images=False)
train_ds, val_ds, test_ds = digits.as_datasets(batch_size=64)
print(digits)

# %%
# The pieces ``fit`` would take from ``compile``
# ------------------------------------------------
# A model, a loss, an optimizer, and metrics. The model returns logits, so the
# loss applies the softmax itself (``from_logits=True``). A metric object
# accumulates over the batches it sees until ``reset_state()`` clears it, which
# is how a per-epoch value is built from per-batch updates.
model = keras.Sequential(
    [
        keras.Input((64,), name="pixels"),
        keras.layers.Dense(64, activation="relu", name="hidden"),
        keras.layers.Dense(10, name="logits"),
    ],
    name="digits_mlp",
)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = keras.optimizers.Adam(learning_rate=1e-2)

train_loss = keras.metrics.Mean(name="loss")
train_accuracy = keras.metrics.SparseCategoricalAccuracy(name="accuracy")
val_loss = keras.metrics.Mean(name="val_loss")
val_accuracy = keras.metrics.SparseCategoricalAccuracy(name="val_accuracy")

# %%
# One training step
# -----------------
# ``@tf.function`` traces the step into a graph once per input shape (a full
# batch of 64, then the smaller last batch), after which every call runs the
# graph. The tape records the forward pass, ``tape.gradient`` walks it
# backwards, and ``apply_gradients`` updates the weights. ``training=True``
# matters for layers such as ``Dropout`` that behave differently in training.
# The mean loss of a batch is weighted by its size, so the smaller last batch
# counts for what it holds.


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = loss_fn(y, logits)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
    train_loss.update_state(loss, sample_weight=tf.shape(y)[0])
    train_accuracy.update_state(y, logits)


# %%
# Evaluation
# ----------
# Evaluation is the forward pass alone, with ``training=False``, feeding a
# loss metric and an accuracy metric that start from zero.


@tf.function
def predict_step(x):
    return model(x, training=False)


def evaluate(dataset, loss_metric, accuracy_metric):
    loss_metric.reset_state()
    accuracy_metric.reset_state()
    for x, y in dataset:
        logits = predict_step(x)
        loss_metric.update_state(loss_fn(y, logits), sample_weight=tf.shape(y)[0])
        accuracy_metric.update_state(y, logits)
    return float(loss_metric.result()), float(accuracy_metric.result())


# %%
# The loop
# --------
# Each epoch clears the training metrics, runs every training batch, then
# measures the validation set with the weights as they are at the end of the
# epoch. The per-epoch values go into a dict shaped like ``History.history``.
epochs = 12
history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}

for epoch in range(1, epochs + 1):
    train_loss.reset_state()
    train_accuracy.reset_state()
    for x, y in train_ds:
        train_step(x, y)
    history["loss"].append(float(train_loss.result()))
    history["accuracy"].append(float(train_accuracy.result()))
    epoch_val_loss, epoch_val_accuracy = evaluate(val_ds, val_loss, val_accuracy)
    history["val_loss"].append(epoch_val_loss)
    history["val_accuracy"].append(epoch_val_accuracy)
    if epoch % 3 == 0:
        print(
            f"epoch {epoch:2d}/{epochs}  "
            + "  ".join(f"{name} {values[-1]:.4f}" for name, values in history.items())
        )

# %%
# Training curves
# ---------------
# ``plot_history`` takes the dict as it would take a ``History``: each training
# curve is solid and its validation curve dashed. The loss is on a log scale.
# The training loss keeps falling while the validation loss levels off: the
# model starts to fit details of the training images that do not carry over.
fig, (ax_loss, ax_accuracy) = plt.subplots(1, 2, figsize=(9, 3.5))
plot_history(history, metrics="loss", ax=ax_loss, log_scale=True)
plot_history(history, metrics="accuracy", ax=ax_accuracy)
fig.tight_layout()

# %%
# Test accuracy
# -------------
# The test set was never used while training. The same evaluation step runs
# over it with fresh metric objects.
test_loss, test_accuracy = evaluate(
    test_ds,
    keras.metrics.Mean(name="test_loss"),
    keras.metrics.SparseCategoricalAccuracy(name="test_accuracy"),
)
print(f"test loss {test_loss:.4f}  test accuracy {test_accuracy:.4f}")

# sphinx_gallery_start_ignore
assert test_accuracy >= 0.9, test_accuracy
assert history["val_accuracy"][-1] >= 0.9, history["val_accuracy"]
assert history["loss"][-1] < 0.5 * history["loss"][0], history["loss"]
assert len(history["loss"]) == epochs
# sphinx_gallery_end_ignore
