"""
Two inputs, two outputs: a multi-task Functional model
======================================================

Feed a digit image and three numbers measured from it (how much ink it uses
and where) into one Keras Functional model, and let it answer two questions at
once: which digit is it, and is it odd? Each output gets its own loss and
metrics, and the model is trained on their weighted sum.
"""

# %%
# Introduction
# ------------
# A ``keras.Sequential`` model is a single chain: one input, one output. The
# Functional API builds any directed acyclic graph of layers instead, by calling
# layers on symbolic tensors. Here two branches merge into a shared trunk, and
# the trunk splits into two *heads*. Naming the inputs and outputs lets every
# ``fit``, ``evaluate`` and prediction call use dictionaries keyed by those
# names, which is harder to get wrong than lists in the right order.
#
# Setup
# -----
# The second input stands for the hand-made features that often come with an
# image: the mean ink, and how much more ink the top half holds than the bottom
# half, and the left half than the right half.
import keras
import matplotlib.pyplot as plt
import numpy as np

from tfdocs_helpers import (
    EpochLogger,
    load_digits,
    model_diagram,
    plot_history,
    seed_everything,
)

seed_everything(0)
data = load_digits()
STATS = ("ink", "top - bottom", "left - right")


def inputs_of(images):
    """The model's two inputs: the images and three ink statistics of each."""
    pixels = images[..., 0]
    stats = [
        pixels.mean(axis=(1, 2)),
        pixels[:, :4].mean(axis=(1, 2)) - pixels[:, 4:].mean(axis=(1, 2)),
        pixels[:, :, :4].mean(axis=(1, 2)) - pixels[:, :, 4:].mean(axis=(1, 2)),
    ]
    return {"image": images, "stats": np.stack(stats, axis=1)}


def targets_of(labels):
    """The model's two targets: the digit and whether it is odd (1) or even (0)."""
    return {"digit": labels, "odd": (labels % 2).astype("float32")[:, None]}


train_x, train_y = inputs_of(data.x_train), targets_of(data.y_train)
val_x, val_y = inputs_of(data.x_val), targets_of(data.y_val)
test_x, test_y = inputs_of(data.x_test), targets_of(data.y_test)
print({name: value.shape for name, value in train_x.items()})
print({name: value.shape for name, value in train_y.items()})

# %%
# The digits are scaled to fill their 8×8 box, so the total ink says almost
# nothing about the digit. Where the ink sits says more: a 6 is heavy at the
# bottom, a 9 at the top, a 3 on the right. None of the three separates all ten
# digits, which is why the image stays the main input.
fig, axes = plt.subplots(1, 3, figsize=(10, 3), sharex=True)
for column, (ax, name) in enumerate(zip(axes, STATS, strict=True)):
    values = train_x["stats"][:, column]
    ax.boxplot(
        [values[data.y_train == digit] for digit in range(10)],
        tick_labels=[str(digit) for digit in range(10)],
        showfliers=False,
    )
    ax.set(xlabel="digit", title=name)
fig.tight_layout()

# %%
# Build
# -----
# The image goes through a convolution and pooling and is flattened; the three
# statistics are standardised by a ``Normalization`` layer adapted on the
# training part. ``Concatenate`` joins the two into one vector, a shared
# ``Dense`` layer learns features useful to both tasks, and two heads read from
# it: a 10-way softmax for the digit and one sigmoid unit for "odd".
image = keras.Input((8, 8, 1), name="image")
stats = keras.Input((len(STATS),), name="stats")

conv = keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv")
features = conv(image)
features = keras.layers.MaxPooling2D(name="pool")(features)
features = keras.layers.Flatten(name="flatten")(features)
stats_norm = keras.layers.Normalization(name="stats_norm")
stats_norm.adapt(train_x["stats"])
merged = keras.layers.Concatenate(name="merge")([features, stats_norm(stats)])
shared = keras.layers.Dense(32, activation="relu", name="shared")(merged)
digit = keras.layers.Dense(10, activation="softmax", name="digit")(shared)
odd = keras.layers.Dense(1, activation="sigmoid", name="odd")(shared)

model = keras.Model(
    inputs={"image": image, "stats": stats},
    outputs={"digit": digit, "odd": odd},
    name="digit_and_parity",
)
diagram = model_diagram(model)
diagram

# %%
# Compile
# -------
# One loss per output, keyed by output name; ``loss_weights`` sets how much
# each counts in the total that the optimiser minimises:
# ``loss = 1.0 * digit_loss + 0.5 * odd_loss``. Metrics are per output too.
model.compile(
    optimizer=keras.optimizers.Adam(5e-3),
    loss={
        "digit": "sparse_categorical_crossentropy",
        "odd": "binary_crossentropy",
    },
    loss_weights={"digit": 1.0, "odd": 0.5},
    metrics={"digit": ["accuracy"], "odd": ["accuracy"]},
)

# %%
# Train briefly
# -------------
# Keras logs the total loss and, for each output, its loss and metrics, named
# ``<output>_<metric>``; each has a ``val_`` twin for the validation part. The
# log below shows the validation accuracies only.
history = model.fit(
    train_x,
    train_y,
    validation_data=(val_x, val_y),
    epochs=15,
    batch_size=32,
    verbose=0,
    callbacks=[
        EpochLogger(every=5, metrics=["val_digit_accuracy", "val_odd_accuracy"])
    ],
)
print([name for name in history.history if not name.startswith("val_")])

# %%
# ``plot_history`` draws the per-output curves by name. In the first epoch the
# yes/no question is the easier one; a few epochs later the digit head is
# ahead, and parity follows: telling odd from even mostly means recognising
# the digit, which the shared layers learn for both heads.
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.5))
plot_history(history, metrics=["digit_loss", "odd_loss"], ax=ax_loss, log_scale=True)
plot_history(history, metrics=["digit_accuracy", "odd_accuracy"], ax=ax_acc)
fig.tight_layout()

# %%
# Inspect
# -------
# ``evaluate`` with ``return_dict=True`` gives every number by name. The 270
# test images go in one batch, so every number is an average over the same
# images and the total loss is exactly the weighted sum of the two.
scores = model.evaluate(
    test_x, test_y, batch_size=len(data.y_test), verbose=0, return_dict=True
)
for name, value in sorted(scores.items()):
    print(f"{name:<15} {value:.4f}")
weighted = scores["digit_loss"] + 0.5 * scores["odd_loss"]
print(f"digit_loss + 0.5 * odd_loss = {weighted:.4f}")

# %%
# Calling the model returns a dictionary as well, one tensor per head (the
# test images are one batch, so the model is called directly rather than
# through ``model.predict``). The two heads are trained separately, so nothing
# forces them to agree: does the "odd" head match the parity of the digit the
# other head picked?
predictions = {name: value.numpy() for name, value in model(test_x).items()}
print({name: value.shape for name, value in predictions.items()})
picked = predictions["digit"].argmax(axis=1)
odd_head = predictions["odd"][:, 0] > 0.5
agree = float((odd_head == (picked % 2 == 1)).mean())
print(f"the heads agree on {agree:.1%} of the test images")

# %%
fig, ax = plt.subplots(figsize=(5, 3))
accuracy = [scores["digit_accuracy"], scores["odd_accuracy"], agree]
bars = ax.bar(["digit head", "odd head", "heads agree"], accuracy, color="tab:blue")
ax.bar_label(bars, fmt="%.3f")
ax.set(ylim=(0.8, 1.02), ylabel="fraction of test images")
fig.tight_layout()

# sphinx_gallery_thumbnail_number = 2

# sphinx_gallery_start_ignore
assert (len(diagram.nodes), len(diagram.edges)) == (10, 9), diagram
assert {node.id for node in diagram.nodes if node.kind == "input"} == {"image", "stats"}
assert {node.id for node in diagram.nodes if node.kind == "output"} == {"digit", "odd"}
assert scores["digit_accuracy"] >= 0.93, scores
assert scores["odd_accuracy"] >= 0.93, scores
assert history.history["val_digit_accuracy"][-1] >= 0.9, history.history
assert abs(scores["loss"] - weighted) < 1e-5, (scores["loss"], weighted)
assert agree >= 0.9, agree
assert predictions["digit"].shape == (270, 10)
assert predictions["odd"].shape == (270, 1)
# sphinx_gallery_end_ignore
