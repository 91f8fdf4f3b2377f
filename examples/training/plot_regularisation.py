"""
Overfitting vs regularisation
=============================

A network with far more weights than training examples can memorise them: the
training loss goes to zero while the loss on new data climbs back up. We provoke
that on purpose, with 150 handwritten digits, a fifth of them mislabelled, and a
two-layer perceptron of about 85,000 weights, then train the same network three
more times with a remedy each: dropout, an L2 weight penalty, and early stopping.
"""

# sphinx_gallery_thumbnail_number = 2

# %%
# What this example builds on: :doc:`/keras/layers` introduces ``Dropout``
# and weight regularisers, :doc:`/keras/callbacks` ``EarlyStopping``, and
# :doc:`/tf-data` the input pipelines.
#
# Setup
# -----
# The first 150 of the 1,257 training digits, 64 pixels scaled to [0, 1]. To
# make memorising visible we give about a fifth of them a random label, as
# careless annotation would: a model that fits those has learnt noise. The 270
# validation digits keep their true labels and measure what carries over.
# (From ``tfdocs_helpers``: ``seed_everything(0)`` is
# ``keras.utils.set_random_seed(0)`` plus
# ``tf.config.experimental.enable_op_determinism()``; ``EpochLogger`` prints
# one line every few epochs, as a ``keras.callbacks.LambdaCallback`` would;
# ``plot_history`` draws ``history.history`` with Matplotlib.)
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
x_train, y_train = digits.x_train[:150] / 16, digits.y_train[:150].copy()
x_val, y_val = digits.x_val / 16, digits.y_val

rng = np.random.default_rng(0)
noisy = rng.random(len(y_train)) < 0.2
y_train[noisy] = rng.integers(0, 10, size=noisy.sum())
print(f"{noisy.sum()} of {len(y_train)} labels replaced at random")

# %%
# The training data goes in through a ``tf.data`` pipeline that reshuffles
# every epoch, so ``fit``'s own ``shuffle`` is turned off below. Each run
# gets a new pipeline with the same seed, hence the same batches in the same
# order; the validation set is one batch.


def training_batches():
    return (
        tf.data.Dataset.from_tensor_slices((x_train, y_train))
        .shuffle(len(x_train), seed=0)
        .batch(16)
    )


val_data = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(len(x_val))

# %%
# One architecture, four trainings
# --------------------------------
# ``make_model`` builds the same stack with optional dropout after each hidden
# layer and an optional L2 penalty on every kernel. ``Dropout`` has no weights,
# so all four models can start from the same initial weights: the only
# difference between the runs is the remedy.
#
# The loss of the L2 model includes its penalty, so the curves and the table
# compare a separate ``crossentropy`` metric, the same quantity for every model.


def make_model(dropout=0.0, l2=0.0):
    penalty = keras.regularizers.L2(l2) if l2 else None
    layers = [keras.Input((64,))]
    for _ in range(2):
        layers.append(
            keras.layers.Dense(
                256, activation="relu", kernel_regularizer=penalty
            )
        )
        if dropout:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, kernel_regularizer=penalty))
    return keras.Sequential(layers)


initial_weights = make_model().get_weights()
print(f"{make_model().count_params():,} weights for {len(x_train)} examples")

# %%
# Train
# -----
# Twenty epochs each with Adam, in batches of 16. Early stopping watches ``val_loss`` and stops
# three epochs after its best value, then restores the weights of the best
# epoch (``restore_best_weights=True``).
variants = {
    "no regularisation": (make_model(), []),
    "dropout 0.5": (make_model(dropout=0.5), []),
    "L2 0.003": (make_model(l2=3e-3), []),
    "early stopping": (
        make_model(),
        [keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)],
    ),
}
histories, table = {}, {}
for name, (model, callbacks) in variants.items():
    model.set_weights(initial_weights)
    model.compile(
        optimizer=keras.optimizers.Adam(3e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[
            keras.metrics.SparseCategoricalCrossentropy(
                from_logits=True, name="crossentropy"
            ),
            "accuracy",
        ],
    )
    print(name)
    histories[name] = model.fit(
        training_batches(),
        validation_data=val_data,
        epochs=20,
        shuffle=False,
        verbose=0,
        callbacks=[*callbacks, EpochLogger(every=5, metrics=["crossentropy"])],
    )
    # final weights (the restored best ones for early stopping), dropout off
    train = model.evaluate(training_batches(), verbose=0, return_dict=True)
    val = model.evaluate(val_data, verbose=0, return_dict=True)
    table[name] = (len(histories[name].history["loss"]), train, val)

# %%
# Overfitting
# -----------
# Without regularisation the training crossentropy keeps falling towards zero,
# so the model ends up reproducing even the random labels, while the validation
# crossentropy reaches its minimum within ten epochs and then rises again: from
# there on the model learns its 150 examples, not digits.
fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
_ = plot_history(
    histories["no regularisation"],
    metrics="crossentropy",
    ax=ax,
    log_scale=True,
)

# %%
# The remedies
# ------------
# The validation curves of all four runs. Dropout (randomly zeroing half the
# hidden units at each training step) keeps the network from relying on any
# single unit and flattens the rise; the L2 penalty pulls all weights towards
# zero, which makes memorising costly; early stopping simply keeps the weights
# of the best validation epoch, from before the memorising began. (The y axis
# is logarithmic, so that the first epochs fit without squeezing the rest.)
fig, ax = plt.subplots(figsize=(8, 3.5), layout="constrained")
plot_history(
    list(histories.values()),
    metrics="val_crossentropy",
    labels=list(histories),
    ax=ax,
    log_scale=True,
    mark_best=False,
)
ax.set_ylabel("validation crossentropy")
# Early stopping is the unregularised run, cut short: drawn wide and pale, so
# that the run it shares its first epochs with shows through.
ax.get_lines()[3].set(linewidth=6, alpha=0.35)
_ = ax.legend(
    ax.get_lines(), list(histories), loc="upper left", bbox_to_anchor=(1.01, 1)
)

# %%
# The train/validation gap
# ------------------------
# Evaluated with the final weights (``evaluate`` runs dropout in inference mode,
# so every model is measured the same way; the training set keeps its noisy
# labels). The gap between the validation and the training crossentropy measures
# how much of the fit does not generalise.
print(f"{'':18s} epochs  train CE  val CE   gap    val accuracy")
for name, (epochs, train, val) in table.items():
    gap = val["crossentropy"] - train["crossentropy"]
    print(
        f"{name:18s} {epochs:6d}  {train['crossentropy']:8.3f}  "
        f"{val['crossentropy']:6.3f}  {gap:5.3f}  {val['accuracy']:12.3f}"
    )

# %%
# Every remedy narrows the gap. Dropout and early stopping also lower the
# validation loss clearly; the L2 penalty, at this strength, much less. None of
# them is free: dropout and L2 add a hyperparameter to tune (the L2 strength
# here is a guess, not a tuned value), and early stopping needs a validation
# set, which its choice of epoch then partly fits. Early stopping's run is the
# unregularised one, cut at its best epoch: same initial weights, same batches.
# On a problem this small the remedies help, but what really cures overfitting
# is more (and cleaner) data.

# sphinx_gallery_start_ignore
gaps = {
    n: v["crossentropy"] - t["crossentropy"] for n, (_, t, v) in table.items()
}
val_ce = {n: v["crossentropy"] for n, (_, t, v) in table.items()}
baseline, early = "no regularisation", "early stopping"
none_val = histories[baseline].history["val_crossentropy"]
early_val = histories[early].history["val_crossentropy"]
# the unregularised model memorises (noisy labels included) and overfits
assert table[baseline][1]["crossentropy"] < 0.1, table[baseline]
assert none_val[-1] > 1.15 * min(none_val), none_val
# it has the largest gap; every remedy narrows it
assert max(gaps, key=gaps.get) == baseline, gaps
for name in table:
    if name != baseline:
        assert gaps[name] < 0.9 * gaps[baseline], (name, gaps)
# dropout and early stopping also lower the validation loss
assert val_ce["dropout 0.5"] < 0.95 * val_ce[baseline], val_ce
assert val_ce[early] < 0.95 * val_ce[baseline], val_ce
# early stopping is the same run as the baseline, stopped and restored at its best
stopped = table[early][0]
assert stopped < 20, stopped
np.testing.assert_allclose(early_val, none_val[:stopped], rtol=1e-4)
np.testing.assert_allclose(val_ce[early], min(early_val), rtol=1e-4)
assert all(v["accuracy"] > 0.7 for _, _, v in table.values()), table
# sphinx_gallery_end_ignore
