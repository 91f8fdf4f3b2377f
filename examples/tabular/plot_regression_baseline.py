"""
Regression against a baseline
=============================

Predict diabetes progression from ten patient measurements, and judge the
network against the simplest possible predictions first: the training mean and
a linear regression. A test error means little until it is compared with what a
model that learned nothing would score.
"""

# %%
# What this example builds on: :doc:`/keras/sequential` builds the models,
# :doc:`/keras/preprocessing` explains the ``Normalization`` layer, and
# :doc:`/keras/losses-and-metrics` the MSE and MAE used to judge them.
#
# Introduction
# ------------
# The diabetes table has 442 patients, ten measurements each (age, sex, body
# mass index, blood pressure and six blood serum values) and one target: a
# measure of disease progression one year later, between 25 and 346. A mean
# absolute error (MAE) of 45 sounds good or bad only next to a reference. Two
# references cost almost nothing:
#
# * the **mean baseline** predicts the training mean for every patient; any
#   model that learned something must beat it;
# * a **linear regression** (one ``Dense(1)`` unit) shows how much of the
#   signal is simply linear, and therefore what a non-linear network can add.
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
    load_diabetes,
    model_diagram,
    plot_history,
    seed_everything,
)

seed_everything(0)
data = load_diabetes()
print(data)
print("features:", ", ".join(data.feature_names))

# %%
# The mean baseline
# -----------------
# Its MSE on the test part is close to the variance of the test targets: that
# is the error left when nothing about the patient is used.
train_mean = float(data.y_train.mean())


def errors(predictions):
    """Test MAE and MSE of a vector of predictions."""
    residuals = data.y_test - np.ravel(predictions)
    return float(np.abs(residuals).mean()), float((residuals**2).mean())


results = {"mean baseline": errors(np.full_like(data.y_test, train_mean))}
print(f"training mean {train_mean:.1f}")
print(
    "mean baseline: test MAE {:.1f}  MSE {:.0f}".format(
        *results["mean baseline"]
    )
)

# %%
# Build
# -----
# Both Keras models start with a ``Normalization`` layer adapted on the training
# features, so they take the raw table. The output unit's bias starts at the
# training mean: before any training the models *are* the mean baseline, and
# the optimiser does not spend its first epochs walking the output from 0 up to
# about 150.


def make_model(*hidden, name):
    """Normalization, optional hidden layers, then one linear output unit."""
    normalizer = keras.layers.Normalization(name="standardise")
    normalizer.adapt(data.x_train)
    return keras.Sequential(
        [
            keras.Input((len(data.feature_names),), name="features"),
            normalizer,
            *hidden,
            keras.layers.Dense(
                1,
                bias_initializer=keras.initializers.Constant(train_mean),
                name="progression",
            ),
        ],
        name=name,
    )


linear = make_model(name="linear")
mlp = make_model(
    keras.layers.Dense(16, activation="relu", name="hidden"), name="mlp"
)
model_diagram(mlp)

# %%
# Train briefly
# -------------
# The loss is the mean squared error; the MAE is tracked as a metric because it
# reads in the target's own units.


histories = {}
for model, learning_rate in ((linear, 0.3), (mlp, 0.04)):
    print(model.name)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="mse",
        metrics=["mae"],
    )
    histories[model.name] = model.fit(
        data.x_train,
        data.y_train,
        validation_data=(data.x_val, data.y_val),
        epochs=15,
        batch_size=32,
        verbose=0,
        callbacks=[EpochLogger(every=15, precision=1)],
    )
linear_history, mlp_history = histories["linear"], histories["mlp"]

# %%
# The dotted line is the mean baseline's MAE on the validation part, the rows
# of the dashed curves. Both models start as that baseline and are below it
# after the first epoch; their validation error levels off around 45.
val_baseline_mae = float(np.abs(data.y_val - train_mean).mean())
fig, ax = plt.subplots(figsize=(8, 3.5))
plot_history(
    [linear_history, mlp_history],
    metrics="mae",
    ax=ax,
    labels=["linear", "MLP"],
)
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))  # beside the curves
ax.axhline(val_baseline_mae, color="grey", linestyle=":")
ax.text(
    15, val_baseline_mae, "mean baseline (validation)", ha="right", va="bottom"
)
ax.set_ylim(top=80)
fig.tight_layout()

# %%
# Inspect
# -------
# The three sets of test errors side by side. The 67 test rows fit in one
# batch, so the models are called directly (``model.predict`` is for data that
# has to go through in batches):
linear_predictions = linear(data.x_test).numpy()
mlp_predictions = mlp(data.x_test).numpy()
results["linear"] = errors(linear_predictions)
results["MLP"] = errors(mlp_predictions)
for name, (mae, mse) in results.items():
    print(f"{name:<14} test MAE {mae:5.1f}  MSE {mse:5.0f}")

# %%
fig, (ax_mae, ax_mse) = plt.subplots(1, 2, figsize=(8, 3))
colors = ["tab:grey", "tab:blue", "tab:orange"]
for ax, column, title in ((ax_mae, 0, "test MAE"), (ax_mse, 1, "test MSE")):
    values = [result[column] for result in results.values()]
    bars = ax.bar(list(results), values, color=colors)
    ax.bar_label(bars, fmt="%.0f")
    ax.set_title(title)
    ax.margins(y=0.15)
fig.tight_layout()

# %%
# Predicted against true progression for the 67 test patients. A perfect model
# puts every point on the diagonal; the mean baseline is the horizontal line.
# Both models compress their predictions towards the middle: they cannot tell
# the most extreme patients apart from these ten measurements.
fig, ax = plt.subplots(figsize=(5, 4.5))
ax.scatter(data.y_test, linear_predictions, s=18, label="linear", alpha=0.7)
ax.scatter(data.y_test, mlp_predictions, s=18, label="MLP", alpha=0.7)
limits = [0, 360]
ax.plot(limits, limits, color="black", linewidth=1, label="perfect")
ax.axhline(train_mean, color="grey", linestyle=":", label="mean baseline")
ax.set(xlim=limits, ylim=limits, xlabel="true progression")
ax.set(ylabel="predicted progression", aspect="equal")
ax.legend(loc="upper left")
fig.tight_layout()

# %%
# Both models beat the mean baseline clearly, and the MLP only slightly beats
# the linear regression: with 308 training patients most of what can be learned
# from these features is linear. Without the baseline and the linear reference,
# neither fact would be visible from the MLP's error alone.

# sphinx_gallery_thumbnail_number = 3

# sphinx_gallery_start_ignore
baseline_mae, baseline_mse = results["mean baseline"]
mlp_mae, mlp_mse = results["MLP"]
linear_mae, linear_mse = results["linear"]
assert 55 < baseline_mae < 61, baseline_mae
assert mlp_mae < 0.85 * baseline_mae, (mlp_mae, baseline_mae)
assert mlp_mse < 0.85 * baseline_mse, (mlp_mse, baseline_mse)
assert linear_mae < 0.9 * baseline_mae, (linear_mae, baseline_mae)
assert mlp_mae < linear_mae + 1, (mlp_mae, linear_mae)
assert linear_predictions.shape == (len(data.y_test), 1)
for fit_history in (linear_history, mlp_history):
    assert fit_history.history["val_mae"][0] < val_baseline_mae, (
        fit_history.history
    )
    assert fit_history.history["val_mae"][-1] < 48, fit_history.history
# sphinx_gallery_end_ignore
