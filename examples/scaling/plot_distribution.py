"""
A distribution strategy on CPU
===============================

``tf.distribute.MirroredStrategy`` trains one model on several devices at once:
each device holds a copy of the weights (a replica), takes its share of every
batch, and the replicas add up their gradients before the weights are updated,
so the copies never drift apart. No GPU is needed to see it work: TensorFlow
can split the CPU into two logical devices. This example trains a small digit
classifier that way and checks that it learns what the same model learns
without a strategy.
"""

# %%
# What this example builds on: :doc:`/distribution` explains strategies,
# replicas and how gradients are combined, and :doc:`/tensors` shows how
# TensorFlow lists and places work on devices.
#
# Two logical CPU devices
# -----------------------
# ``tf.config.set_logical_device_configuration`` splits one physical device
# into several logical ones. It must run before TensorFlow creates its
# devices, which happens at the first operation, so it comes first in the
# script; once TensorFlow has started, the call raises ``RuntimeError``. The
# two logical devices share the same cores, so they show how the strategy
# works, not a speed-up.

# sphinx_gallery_start_ignore
# The site's build runs every gallery example in one Python process, and the
# examples before this one have already started TensorFlow, whose devices
# can then no longer be split. Starting a new TensorFlow context (TensorFlow's
# own tests reset it the same way) gives this example the fresh start it has
# when it runs on its own, where this does nothing. The earlier examples'
# models and tensors are gone by now: the gallery clears the Keras session
# between examples.
from tensorflow.python.eager import context

context._reset_context()
# sphinx_gallery_end_ignore
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from tfdocs_helpers import load_digits, plot_history, seed_everything

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration()] * 2
)
seed_everything(0)

devices = [device.name for device in tf.config.list_logical_devices("CPU")]
strategy = tf.distribute.MirroredStrategy(devices)
print("devices:", ", ".join(devices))
print("replicas in sync:", strategy.num_replicas_in_sync)

# %%
# Data
# ----
# The 8×8 digits as 64 pixel values, scaled from 0–16 to [0, 1]. The batch
# size given to the pipeline is the *global* batch: with two replicas, each
# batch of 128 is cut into two halves of 64. The order is shuffled once, with
# a fixed seed, so that both runs below see the same batches.
# ``drop_remainder=True`` keeps every batch at 128: a smaller last batch would
# be split unevenly (say 21 and 20 samples), and since each replica averages
# the loss over its own share, the examples of that batch would be weighted
# slightly differently than in one plain average.
digits = load_digits(images=False)
x_train, x_test = digits.x_train / 16, digits.x_test / 16
global_batch = 128
train_ds = (
    tf.data.Dataset.from_tensor_slices((x_train, digits.y_train))
    .shuffle(len(digits.y_train), seed=0, reshuffle_each_iteration=False)
    .batch(global_batch, drop_remainder=True)
)

# %%
# ``fit`` does the splitting itself, but the strategy can show it:
# ``experimental_distribute_dataset`` turns each global batch into one part
# per replica, each on its device.
images, labels = next(iter(strategy.experimental_distribute_dataset(train_ds)))
for part in strategy.experimental_local_results(images):
    print(f"{part.device.split('/')[-1]}: images {tuple(part.shape)}")


# %%
# Train under the strategy and without one
# ----------------------------------------
# Only building and compiling the model has to happen inside
# ``strategy.scope()``: that is where the weights and the optimizer state are
# created as mirrored variables, one copy per device. ``fit`` then
# distributes each batch over the replicas by itself. The same function,
# called with the default strategy (``tf.distribute.get_strategy()`` outside
# any scope), trains on one device as usual. Both runs start from seed 0, so
# from the same initial weights.
def train(strategy):
    seed_everything(0)
    with strategy.scope():
        model = keras.Sequential(
            [
                keras.Input((64,), name="pixels"),
                keras.layers.Dense(64, activation="relu", name="hidden"),
                keras.layers.Dense(10, name="logits"),
            ],
            name="digits_mlp",
        )
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=1e-2),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
    history = model.fit(train_ds, epochs=6, shuffle=False, verbose=0)
    return model, history


mirrored_model, mirrored_history = train(strategy)
default_model, default_history = train(tf.distribute.get_strategy())

# %%
# The weights are mirrored
# ------------------------
# Under the strategy, each Keras weight wraps a ``MirroredVariable``: one copy
# per device, kept equal because every replica applies the same summed
# gradients.
kernel = mirrored_model.get_layer("hidden").kernel
copies = strategy.experimental_local_results(kernel.value)
for copy in copies:
    print(f"{copy.device.split('/')[-1]}: shape {tuple(copy.shape)}")
print("copies equal:", all(np.array_equal(copies[0], copy) for copy in copies))

# %%
# The two runs agree
# ------------------
# The curves of the two runs lie on top of each other (the mirrored run is the
# wide pale line). They are not equal bit for bit: summing two half-batch
# gradients adds the same numbers in a different order than one full-batch
# gradient does, and floating-point addition is not associative. The
# differences stay at the level of rounding errors.
fig, (ax_loss, ax_accuracy) = plt.subplots(
    1, 2, figsize=(9, 3.5), layout="constrained"
)
labels = ["MirroredStrategy, 2 replicas", "default strategy"]
histories = [mirrored_history, default_history]
for ax, metric in ((ax_loss, "loss"), (ax_accuracy, "accuracy")):
    plot_history(
        histories, metrics=metric, labels=labels, ax=ax, mark_best=False
    )
    # The mirrored run wide and pale, so that the default run shows on top.
    ax.get_lines()[0].set(linewidth=6, alpha=0.4)
    ax.legend()

largest = max(
    float(np.max(np.abs(a - b)))
    for a, b in zip(
        mirrored_model.get_weights(), default_model.get_weights(), strict=True
    )
)
print(f"largest weight difference {largest:.1e}")

# %%
# Test accuracy
# -------------
# Both models are evaluated on the test part, which neither saw.
test_accuracy = {}
for name, model in [("mirrored", mirrored_model), ("default", default_model)]:
    _, test_accuracy[name] = model.evaluate(x_test, digits.y_test, verbose=0)
    print(f"{name:>8}: test accuracy {test_accuracy[name]:.4f}")

# sphinx_gallery_start_ignore
assert strategy.num_replicas_in_sync == len(devices) == 2, devices
assert len(copies) == 2, copies
assert [
    tuple(p.shape) for p in strategy.experimental_local_results(images)
] == [(64, 8 * 8)] * 2
assert all(np.array_equal(copies[0], copy) for copy in copies)
assert largest > 0, "two replicas should differ from one device by rounding"
assert largest < 1e-4, largest
for key in ("loss", "accuracy"):
    gap = np.max(
        np.abs(
            np.subtract(
                mirrored_history.history[key], default_history.history[key]
            )
        )
    )
    assert gap < 1e-4, (key, gap)
assert test_accuracy["mirrored"] > 0.9, test_accuracy
assert abs(test_accuracy["mirrored"] - test_accuracy["default"]) < 0.01, (
    test_accuracy
)
# sphinx_gallery_end_ignore
