"""
Two inputs, two outputs: a multi-task Functional model
======================================================

Feed a digit image and a number from 0 to 9 into one Keras Functional model,
and let it answer two questions at once: which digit is in the image, and is
it greater than the number? The first question needs only the image, the
second needs both inputs. Each output gets its own loss and metrics, and the
model is trained on their weighted sum.
"""

# %%
# What this example builds on: :doc:`/keras/functional` builds models with
# several inputs and outputs, and :doc:`/keras/losses-and-metrics` explains
# the losses and metrics given per output below.
#
# Introduction
# ------------
# A ``keras.Sequential`` model is a single chain: one input, one output. The
# Functional API builds any directed acyclic graph of layers instead, by
# calling layers on symbolic tensors. Here two branches, one per input, merge
# into a shared trunk, and the trunk splits into two *heads*. Naming the
# inputs and outputs lets every ``fit``, ``evaluate`` and prediction call use
# dictionaries keyed by those names, which is harder to get wrong than lists
# in the right order.
#
# Setup
# -----
# Each image is paired with a number drawn at random, once, with a fixed
# seed. The targets are the digit and whether it is greater than the number.
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
rng = np.random.default_rng(0)


def pairs(images, labels):
    """The model's inputs and targets for a part of the digits."""
    numbers = rng.integers(0, 10, size=len(labels)).astype("int32")
    inputs = {"image": images, "number": numbers}
    targets = {
        "digit": labels,
        "greater": (labels > numbers).astype("float32")[:, None],
    }
    return inputs, targets


train_x, train_y = pairs(data.x_train, data.y_train)
val_x, val_y = pairs(data.x_val, data.y_val)
test_x, test_y = pairs(data.x_test, data.y_test)
print({name: value.shape for name, value in train_x.items()})
print({name: value.shape for name, value in train_y.items()})
print(f"'greater' is true for {train_y['greater'].mean():.0%} of the pairs")

# %%
# Build
# -----
# The image goes through a convolution and pooling and is flattened; the
# number is one-hot encoded by a ``CategoryEncoding`` layer (0–9 are
# categories here, not amounts to scale). ``Concatenate`` joins the two into
# one vector, a shared ``Dense`` layer learns features useful to both tasks,
# and two heads read from it: a 10-way softmax for the digit and one sigmoid
# unit for "greater".
image = keras.Input((8, 8, 1), name="image")
number = keras.Input((), dtype="int32", name="number")

features = keras.layers.Conv2D(
    16, 3, padding="same", activation="relu", name="conv"
)(image)
features = keras.layers.MaxPooling2D(name="pool")(features)
features = keras.layers.Flatten(name="flatten")(features)
number_one_hot = keras.layers.CategoryEncoding(
    num_tokens=10, output_mode="one_hot", name="one_hot"
)(number)
merged = keras.layers.Concatenate(name="merge")([features, number_one_hot])
shared = keras.layers.Dense(64, activation="relu", name="shared")(merged)
digit = keras.layers.Dense(10, activation="softmax", name="digit")(shared)
greater = keras.layers.Dense(1, activation="sigmoid", name="greater")(shared)

model = keras.Model(
    inputs={"image": image, "number": number},
    outputs={"digit": digit, "greater": greater},
    name="digit_and_comparison",
)
diagram = model_diagram(model)
diagram

# %%
# Compile
# -------
# One loss per output, keyed by output name; ``loss_weights`` sets how much
# each counts in the total that the optimiser minimises:
# ``loss = 1.0 * digit_loss + 0.5 * greater_loss``. Metrics are per output
# too.
model.compile(
    optimizer=keras.optimizers.Adam(5e-3),
    loss={
        "digit": "sparse_categorical_crossentropy",
        "greater": "binary_crossentropy",
    },
    loss_weights={"digit": 1.0, "greater": 0.5},
    metrics={"digit": ["accuracy"], "greater": ["accuracy"]},
)

# %%
# Train briefly
# -------------
# Keras logs the total loss and, for each output, its loss and metrics, named
# ``<output>_<metric>``; each has a ``val_`` twin for the validation part.
# ``EpochLogger`` from ``tfdocs_helpers`` prints the chosen ones every five
# epochs, as a ``keras.callbacks.LambdaCallback`` would.
history = model.fit(
    train_x,
    train_y,
    validation_data=(val_x, val_y),
    epochs=15,
    batch_size=32,
    verbose=0,
    callbacks=[
        EpochLogger(
            every=5, metrics=["val_digit_accuracy", "val_greater_accuracy"]
        )
    ],
)
print([name for name in history.history if not name.startswith("val_")])

# %%
# ``plot_history`` (from ``tfdocs_helpers``: the per-epoch lists of
# ``history.history`` drawn with Matplotlib, the best epoch marked) draws the
# per-output curves by name. Both heads learn through the same shared layer,
# driven by one total loss. The digit head learns fast and holds; the
# "greater" head learns more slowly, and its validation accuracy peaks after
# a few epochs and then slips while its training accuracy keeps rising: it
# starts to memorise the training pairs.
fig, (ax_loss, ax_acc) = plt.subplots(
    2, 1, figsize=(8, 5.5), sharex=True, layout="constrained"
)
plot_history(
    history, metrics=["digit_loss", "greater_loss"], ax=ax_loss, log_scale=True
)
plot_history(
    history, metrics=["digit_accuracy", "greater_accuracy"], ax=ax_acc
)
ax_loss.set(xlabel="", ylabel="loss")
ax_acc.set_ylabel("accuracy")
for ax in (ax_loss, ax_acc):  # four entries: beside the curves, not over them
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))

# %%
# Inspect
# -------
# ``evaluate`` with ``return_dict=True`` gives every number by name. The 270
# test pairs go in one batch, so every number is an average over the same
# pairs and the total loss is exactly the weighted sum of the two.
scores = model.evaluate(
    test_x, test_y, batch_size=len(data.y_test), verbose=0, return_dict=True
)
for name, value in sorted(scores.items()):
    print(f"{name:<17} {value:.4f}")
weighted = scores["digit_loss"] + 0.5 * scores["greater_loss"]
print(f"digit_loss + 0.5 * greater_loss = {weighted:.4f}")

# %%
# Calling the model returns a dictionary as well, one tensor per head (the
# test pairs are one batch, so the model is called directly rather than
# through ``model.predict``). The two heads have separate weights and
# separate losses, and nothing in the total loss ties their answers
# together. So: does the "greater" head agree with the digit the other head
# picked? And how good would "picked digit > number", computed by hand, be?
predictions = {name: value.numpy() for name, value in model(test_x).items()}
print({name: value.shape for name, value in predictions.items()})
picked = predictions["digit"].argmax(axis=1)
says_greater = predictions["greater"][:, 0] > 0.5
by_hand = picked > test_x["number"]
agree = float((says_greater == by_hand).mean())
by_hand_accuracy = float((by_hand == test_y["greater"][:, 0]).mean())
print(f"the heads agree on {agree:.1%} of the test pairs")
print(f"'picked digit > number' is right for {by_hand_accuracy:.1%}")

# %%
# The comparison computed from the digit head beats the "greater" head: that
# head has to learn "greater than" from about 1,300 examples, while the rule
# comes for free once the digit is known. Sharing a trunk helps a second task
# learn, but when one output can be computed from another, computing it is
# better than learning it.
#
# The first test pairs, with the "greater" head's answer and the digit head's
# pick (in red where the "greater" answer is wrong):
fig, axes = plt.subplots(1, 8, figsize=(8, 1.9), layout="constrained")
for index, ax in enumerate(axes):
    ax.imshow(data.x_test[index, ..., 0], cmap="gray_r", vmin=0, vmax=1)
    answer = "yes" if says_greater[index] else "no"
    right = says_greater[index] == bool(test_y["greater"][index, 0])
    ax.set_title(
        f"> {test_x['number'][index]}? {answer}\ndigit {picked[index]}",
        fontsize="small",
        color="black" if right else "tab:red",
    )
    ax.set_axis_off()

# %%
# Features from inside the model
# ------------------------------
# Any layer's output can become the output of a new model over the same
# inputs: ``keras.Model(image, model.get_layer("flatten").output)`` is the
# image branch alone, turning each image into the 256 numbers the trunk
# receives. Its weights are the trained ones (the layers are shared, not
# copied). Projected on their two main directions (a principal component
# analysis with NumPy), the features of the test images already sort
# several digits (4, 6 and 0 most clearly) into groups of their own, from
# just two of their 256 numbers. The number input never reaches this branch.
image_features = keras.Model(image, model.get_layer("flatten").output)
codes = image_features(data.x_test).numpy()
centred = codes - codes.mean(axis=0)
_, _, directions = np.linalg.svd(centred, full_matrices=False)
projected = centred @ directions[:2].T
print(f"features {codes.shape}, projected {projected.shape}")

fig, ax = plt.subplots(figsize=(5.5, 4.5), layout="constrained")
scatter = ax.scatter(
    projected[:, 0], projected[:, 1], c=data.y_test, cmap="tab10", s=14
)
ax.legend(
    *scatter.legend_elements(),
    title="digit",
    loc="center left",
    bbox_to_anchor=(1, 0.5),
)
ax.set(xlabel="first principal direction", ylabel="second principal direction")

# sphinx_gallery_thumbnail_number = 3

# sphinx_gallery_start_ignore
assert (len(diagram.nodes), len(diagram.edges)) == (10, 9), diagram
inputs = {node.id for node in diagram.nodes if node.kind == "input"}
assert inputs == {"image", "number"}, inputs
outputs = {node.id for node in diagram.nodes if node.kind == "output"}
assert outputs == {"digit", "greater"}, outputs
assert scores["digit_accuracy"] >= 0.95, scores
assert scores["greater_accuracy"] >= 0.85, scores
assert history.history["val_digit_accuracy"][-1] >= 0.93, history.history
assert abs(scores["loss"] - weighted) < 1e-5, (scores["loss"], weighted)
assert agree >= 0.85, agree
assert by_hand_accuracy > scores["greater_accuracy"] + 0.02
assert predictions["digit"].shape == (270, 10)
assert predictions["greater"].shape == (270, 1)
assert codes.shape == (270, 256), codes.shape
assert image_features.get_layer("conv") is model.get_layer("conv")
# sphinx_gallery_end_ignore
