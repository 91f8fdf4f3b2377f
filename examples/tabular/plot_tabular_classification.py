"""
Tabular classification with a Normalization layer
=================================================

Classify wines into three cultivars from 13 chemical measurements. A
``Normalization`` layer, adapted once on the training features, standardises
the raw measurements inside the model, so the trained model takes the table's
numbers as they are. The same network trained without it shows why it matters.
"""

# %%
# Introduction
# ------------
# The wine table mixes very different units: proline is in the hundreds or
# thousands, hue is around 1. A dense layer multiplies every feature by a
# weight initialised on the same small scale, so the big features dominate the
# first updates and gradient descent crawls along the small ones. Standardising
# each feature to mean 0 and variance 1 puts them on an equal footing.
# ``keras.layers.Normalization`` does this *inside* the model: ``adapt``
# computes the per-feature mean and variance from the training data once, and
# they are stored with the model, so nothing has to be redone by hand at
# prediction time.
#
# Setup
# -----
import keras
import matplotlib.pyplot as plt
import numpy as np

from tfdocs_helpers import (
    EpochLogger,
    load_wine,
    model_diagram,
    plot_history,
    seed_everything,
    show_tensor,
)

seed_everything(0)
data = load_wine()
print(data)
print("classes:", ", ".join(data.target_names))

# %%
# The features' spreads differ by more than three orders of magnitude:
spread = data.x_train.std(axis=0)
order = np.argsort(spread)
fig, ax = plt.subplots(figsize=(7, 3.8))
ax.barh(np.array(data.feature_names)[order], spread[order], color="tab:blue")
ax.set_xscale("log")
ax.set_xlabel("standard deviation on the training part (log scale)")
ax.set_title("Raw wine features")
fig.tight_layout()

# %%
# Build
# -----
# ``adapt`` sees only the training part: statistics computed on the validation
# or test rows would leak information about them into the model.
normalizer = keras.layers.Normalization(name="standardise")
normalizer.adapt(data.x_train)


def make_model(*preprocessing, name):
    """Two dense layers on the 13 features, after optional preprocessing."""
    return keras.Sequential(
        [
            keras.Input((len(data.feature_names),), name="features"),
            *preprocessing,
            keras.layers.Dense(16, activation="relu", name="hidden"),
            keras.layers.Dense(3, activation="softmax", name="cultivar"),
        ],
        name=name,
    )


model = make_model(normalizer, name="wine_normalised")
model_diagram(model)

# %%
# ``adapt`` stored one mean and one variance per feature in non-trainable
# weights of the layer, so they are saved with the model. The layer exposes
# them as ``mean`` and ``variance``, shaped ``(1, 13)`` to broadcast over a
# batch; the call computes ``(x - mean) / sqrt(variance)``. Columns follow
# the order of the feature names: column 12, with the largest variance, is
# proline.
show_tensor(
    np.concatenate([normalizer.mean, normalizer.variance]),
    name="mean (row 0) and variance (row 1)",
    max_cols=13,
    precision=2,
)

# %%
# Train briefly
# -------------
# Both models get the same optimiser, learning rate, epochs and data; only the
# ``Normalization`` layer differs.


def train(model):
    model.compile(
        optimizer=keras.optimizers.Adam(1e-2),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model.fit(
        data.x_train,
        data.y_train,
        validation_data=(data.x_val, data.y_val),
        epochs=20,
        batch_size=32,
        verbose=0,
        callbacks=[EpochLogger(every=10)],
    )


print("with Normalization")
history = train(model)
print("without")
raw_model = make_model(name="wine_raw")
raw_history = train(raw_model)

# %%
# On raw features the loss starts about a hundred times higher and zigzags:
# Adam moves every weight by steps of similar size, and a step that is small
# for the weight of hue swings the output wildly through the weight of
# proline, whose values are in the hundreds. The normalised model converges
# smoothly.
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.5))
labels = ["normalised", "raw"]
plot_history([history, raw_history], metrics="loss", ax=ax_loss, labels=labels)
ax_loss.set_yscale("log")
plot_history([history, raw_history], metrics="accuracy", ax=ax_acc, labels=labels)
fig.tight_layout()

# %%
# Inspect
# -------
# The model is called on the raw test table: standardisation is part of it.
# The test part (27 wines) was not used for training or for choosing settings.
_, test_accuracy = model.evaluate(data.x_test, data.y_test, verbose=0)
_, raw_test_accuracy = raw_model.evaluate(data.x_test, data.y_test, verbose=0)
print(f"test accuracy with Normalization {test_accuracy:.4f}")
print(f"test accuracy without            {raw_test_accuracy:.4f}")

# %%
# Inside the model the features now all have the same scale. A layer can be
# called on its own, so the standardised training table is one call away:
standardised = normalizer(data.x_train).numpy()
means, stds = standardised.mean(axis=0), standardised.std(axis=0)
print(f"largest |mean| {abs(means).max():.4f}")
print(f"standard deviations from {stds.min():.4f} to {stds.max():.4f}")

# %%
# Finally, the predicted probabilities for a few raw test rows. For a handful
# of rows, calling the model directly is quicker than ``model.predict``, which
# is built for large datasets processed batch by batch:
probabilities = model(data.x_test[:5]).numpy()
for row, label in zip(probabilities, data.y_test[:5], strict=True):
    shown = "  ".join(f"{p:.2f}" for p in row)
    print(f"true {data.target_names[label]}  probabilities {shown}")

# sphinx_gallery_thumbnail_number = 2

# sphinx_gallery_start_ignore
assert test_accuracy >= 0.92, test_accuracy
assert history.history["val_accuracy"][-1] >= 0.9, history.history
assert history.history["loss"][-1] < raw_history.history["loss"][-1] / 2
assert normalizer.mean.shape == (1, 13)
np.testing.assert_allclose(normalizer.mean[0], data.x_train.mean(axis=0), rtol=1e-4)
np.testing.assert_allclose(standardised.mean(axis=0), 0, atol=1e-3)
np.testing.assert_allclose(standardised.std(axis=0), 1, atol=1e-3)
assert (probabilities.argmax(axis=1) == data.y_test[:5]).all()
# sphinx_gallery_end_ignore
