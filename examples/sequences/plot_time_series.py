"""
Forecasting a seasonal series against a naive baseline
======================================================

Predict the next value of a noisy seasonal signal from the 50 values before it.
The data is split by time, never shuffled across it, and the model has to beat
the forecast that needs no learning at all: "tomorrow equals today".
"""

# %%
# What this example builds on: :doc:`/tf-data` covers input pipelines, and
# :doc:`/keras/functional` models whose layers are wired by hand, with
# operations on their tensors in between.
#
# Introduction
# ------------
# ``seasonal_series`` generates two years of daily values: a slow upward trend,
# a sine wave with a period of 50 steps, and Gaussian noise (standard deviation
# 0.2). Forecasting has two traps that ordinary classification does not:
#
# * **Leaking the future.** A random train/test split would let the model train
#   on days that come after the test days. Here the first 70 % of the series is
#   for training, the next 15 % for validation and the last 15 % for testing.
# * **Beating a trivial forecast.** Repeating the last observed value (the
#   *naive* forecast) is already close on a smooth series, so an error only
#   means something next to it.
#
# Setup
# -----
# From ``tfdocs_helpers``: ``seed_everything(0)`` is
# ``keras.utils.set_random_seed(0)`` plus
# ``tf.config.experimental.enable_op_determinism()``; ``EpochLogger`` prints
# one line every few epochs, as a ``keras.callbacks.LambdaCallback`` would;
# ``plot_history`` draws ``history.history`` with Matplotlib.
import keras
import matplotlib.pyplot as plt
import numpy as np

from tfdocs_helpers import (
    EpochLogger,
    make_windows,
    model_diagram,
    plot_history,
    seasonal_series,
    seed_everything,
)

seed_everything(0)
series = seasonal_series()  # 730 steps, period 50
train_end, val_end = int(0.70 * len(series)), int(0.85 * len(series))
print(
    f"steps 0-{train_end - 1} train, {train_end}-{val_end - 1} validation, "
    f"{val_end}-{len(series) - 1} test"
)

# %%
fig, ax = plt.subplots(figsize=(9, 3))
ax.plot(series, linewidth=0.8, color="black")
for start, stop, label, color in (
    (0, train_end, "train", "tab:blue"),
    (train_end, val_end, "validation", "tab:orange"),
    (val_end, len(series), "test", "tab:green"),
):
    ax.axvspan(start, stop, color=color, alpha=0.15, label=label)
ax.set(xlabel="step", ylabel="value", xlim=(0, len(series)))
ax.legend(loc="upper left", ncols=3)
fig.tight_layout()

# %%
# Windows
# -------
# ``make_windows`` cuts the series into overlapping pairs: 50 past values (one
# full period) as input, the next value as target. A window belongs to the part
# in which its *target* falls. The first validation and test windows look back
# into the previous part, which is fine: those values are in the past at
# prediction time. Shuffling the training windows among themselves is fine too;
# what must not happen is a training target from after the test period.
window = 50
x, y = make_windows(series, window=window)
target_step = np.arange(window, len(series))  # the step each y[i] belongs to
train = target_step < train_end
val = (target_step >= train_end) & (target_step < val_end)
test = target_step >= val_end
print(f"windows x {x.shape}, targets y {y.shape}")
print(f"train {train.sum()}, validation {val.sum()}, test {test.sum()}")

# %%
# Keras has this built in: ``keras.utils.timeseries_dataset_from_array``
# gives the same windows as a batched ``tf.data`` dataset (the window
# starting at step ``i`` gets ``targets[i]``, hence the shifted arrays).
# ``make_windows`` returns NumPy arrays instead, which can be split by the
# step of each target as above, and adds the feature axis a ``Dense`` or
# recurrent layer expects.
windows = keras.utils.timeseries_dataset_from_array(
    series[:-1], series[window:], sequence_length=window, batch_size=len(x)
)
keras_x, keras_y = next(iter(windows))
print(f"from Keras: x {tuple(keras_x.shape)}, y {tuple(keras_y.shape)}")
print("same windows:", np.allclose(keras_x, x[..., 0]))

# %%
# The naive baseline
# ------------------
# The last value of each window is the forecast.
naive = x[:, -1, :]
naive_mae = float(np.abs(naive[test] - y[test]).mean())
print(f"naive forecast: test MAE {naive_mae:.4f}")

# %%
# Build
# -----
# A linear model on the window, written so that it *starts* as the naive
# forecast: it predicts the **change** from the last value, from the window
# expressed relative to that last value, and adds the last value back. With its
# weights initialised to zero the change is 0, so before training the model
# is exactly the baseline and can only learn to improve on it. Working with
# differences also makes the model indifferent to the level of the series,
# which keeps rising with the trend beyond anything seen in training.
inputs = keras.Input((window, 1), name="window")
last = inputs[:, -1, :]
relative = inputs - inputs[:, -1:, :]
flat = keras.layers.Flatten(name="flatten")(relative)
change = keras.layers.Dense(1, kernel_initializer="zeros", name="change")(flat)
forecast = keras.layers.Add(name="forecast")([last, change])
model = keras.Model(inputs, forecast, name="linear_forecaster")
model_diagram(model)

# %%
# Train briefly
# -------------
model.compile(
    optimizer=keras.optimizers.Adam(3e-3), loss="mse", metrics=["mae"]
)
history = model.fit(
    x[train],
    y[train],
    validation_data=(x[val], y[val]),
    epochs=20,
    batch_size=32,
    verbose=0,
    callbacks=[EpochLogger(every=10)],
)

# %%
# The dotted line is the naive forecast's MAE on the validation windows, the
# ones behind the dashed curve. The model starts as the naive forecast and is
# well below it after one epoch; the validation error is lowest after about
# five epochs and barely moves after that, so longer training would not help.
naive_val_mae = float(np.abs(naive[val] - y[val]).mean())
fig, ax = plt.subplots(figsize=(6, 3.5))
plot_history(history, metrics="mae", ax=ax)
ax.axhline(naive_val_mae, color="grey", linestyle=":")
ax.text(20, naive_val_mae, "naive (validation)", ha="right", va="bottom")
ax.set_ylim(top=1.1 * naive_val_mae)
fig.tight_layout()

# %%
# Inspect
# -------
# On the test part, the model follows the seasonal curve through the noise,
# while the naive forecast copies every noisy value one step late.
predicted = model(x[test]).numpy()  # one batch: call the model directly
model_mae = float(np.abs(predicted - y[test]).mean())
print(f"test MAE: naive {naive_mae:.4f}, model {model_mae:.4f}")
print(f"the model's error is {model_mae / naive_mae:.0%} of the naive one")

# %%
steps = target_step[test]
fig, ax = plt.subplots(figsize=(9, 3.5))
ax.plot(steps, y[test, 0], ".", color="black", markersize=4, label="observed")
ax.plot(steps, naive[test, 0], color="grey", linewidth=1, label="naive")
ax.plot(steps, predicted[:, 0], color="tab:green", linewidth=2, label="model")
ax.set(
    xlabel="step", ylabel="value", title="One-step forecasts on the test part"
)
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))  # beside the data
fig.tight_layout()

# %%
# The errors over time. The noise alone (standard deviation 0.2) puts a floor
# under any forecast: an MAE of about 0.16. The naive forecast pays the noise
# twice, once in the value it copies and once in the value it predicts, and
# it lags behind wherever the sine is steep.
fig, ax = plt.subplots(figsize=(9, 3))
errors = {"naive": (naive[test], "grey"), "model": (predicted, "tab:green")}
for name, (forecast, color) in errors.items():
    error = np.abs(forecast - y[test])[:, 0]
    ax.plot(steps, error, color=color, label=name)
    ax.axhline(
        error.mean(),
        color=color,
        linestyle="--",
        linewidth=1,
        label=f"{name}, mean {error.mean():.2f}",
    )
ax.set(xlabel="step", ylabel="absolute error")
ax.set_title("Absolute error of each forecast on the test part")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
fig.tight_layout()

# %%
# Finally the 50 learned weights, one per past step. The inputs are
# differences from the last value, so a positive weight pulls the forecast
# towards that past value. The model leans on the last few steps, averaging
# away the noise of any single one, and on the oldest steps: exactly one
# period before the forecast, the season was at the same phase. The weight of
# the last step stays 0, as its difference from itself is always 0.
kernel, bias = model.get_layer("change").get_weights()
fig, ax = plt.subplots(figsize=(6, 3))
ax.bar(np.arange(-window, 0), kernel[:, 0], color="tab:green")
ax.set(xlabel="steps before the forecast", ylabel="weight")
ax.set_title("Weights of the change layer")
fig.tight_layout()

# sphinx_gallery_thumbnail_number = 3

# sphinx_gallery_start_ignore
assert model_mae < 0.85 * naive_mae, (model_mae, naive_mae)
assert history.history["val_mae"][0] < naive_val_mae, history.history
assert kernel[-1, 0] == 0, kernel[-1]
assert kernel[:5, 0].mean() > 0.05, kernel[:5, 0]
assert 0.2 < naive_mae < 0.27, naive_mae
assert model_mae < 0.2, model_mae
model_mse = float(((predicted - y[test]) ** 2).mean())
naive_mse = float(((naive[test] - y[test]) ** 2).mean())
assert model_mse < 0.7 * naive_mse, (model_mse, naive_mse)
assert (train.sum(), val.sum(), test.sum()) == (460, 110, 110)
np.testing.assert_allclose(keras_x, x[..., 0])
np.testing.assert_allclose(keras_y, y[:, 0])
assert (
    target_step[train].max() < target_step[val].min() < target_step[test].min()
)
assert len(model_diagram(model).nodes) == 7
# sphinx_gallery_end_ignore
