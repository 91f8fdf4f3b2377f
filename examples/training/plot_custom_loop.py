"""
A custom training loop: adversarial training
============================================

``model.fit`` runs a fixed step: a forward pass, the loss, its gradients with
respect to the weights, an update. Adversarial training needs one more thing
inside every step: the gradient of the loss with respect to the *images*, to
build the small change of each image that fools the model most, and train on
those images too. A loop written with ``tf.GradientTape`` does that in a
dozen lines; the result resists an attack that breaks a model trained with
``fit``.
"""

# %%
# What this example builds on: :doc:`/variables-and-gradients` introduces
# ``tf.GradientTape``, :doc:`/graphs-and-tf-function` the ``tf.function`` that
# makes the step fast, and :doc:`/tf-data` the input pipeline.
# :doc:`/keras/subclassing` shows the other way to change the step: put it in
# a model's ``train_step`` and keep using ``fit``.
#
# Setup
# -----
# The 8×8 digits as images with pixels in [0, 1]. The training pipeline
# shuffles with a fixed seed, so every run sees the same batches; a new
# pipeline is made for each training below, so they all see them in the same
# order. ``seed_everything(0)`` from ``tfdocs_helpers`` calls
# ``keras.utils.set_random_seed(0)`` and
# ``tf.config.experimental.enable_op_determinism()``.
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from tfdocs_helpers import load_digits, plot_history, seed_everything

seed_everything(0)
data = load_digits()
print(data)


def training_batches():
    return (
        tf.data.Dataset.from_tensor_slices((data.x_train, data.y_train))
        .shuffle(len(data.y_train), seed=0)
        .batch(64)
    )


def make_model():
    return keras.Sequential(
        [
            keras.Input((8, 8, 1), name="image"),
            keras.layers.Flatten(name="pixels"),
            keras.layers.Dense(64, activation="relu", name="hidden"),
            keras.layers.Dense(10, name="logits"),
        ],
        name="digits_mlp",
    )


initial_weights = make_model().get_weights()
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
epochs = 15

# %%
# A model trained with ``fit``
# ----------------------------
# The reference: the usual ``compile`` and ``fit`` on the clean images.
seed_everything(0)
plain = make_model()
plain.set_weights(initial_weights)
plain.compile(
    optimizer=keras.optimizers.Adam(3e-3), loss=loss_fn, metrics=["accuracy"]
)
plain.fit(training_batches(), epochs=epochs, shuffle=False, verbose=0)
_, plain_accuracy = plain.evaluate(data.x_test, data.y_test, verbose=0)
print(f"trained with fit: test accuracy {plain_accuracy:.4f}")

# %%
# The attack
# ----------
# The *fast gradient sign method* (Goodfellow et al., 2015) asks which way
# each pixel should move to raise the loss: the sign of the gradient of the
# loss with respect to the image. It moves every pixel by ``epsilon`` that
# way and clips to [0, 1]. The tape watches the images, which are not
# variables, so that it can differentiate with respect to them.


def attack(model, images, labels, epsilon):
    images = tf.convert_to_tensor(images)
    with tf.GradientTape() as tape:
        tape.watch(images)
        loss = loss_fn(labels, model(images, training=False))
    step = epsilon * tf.sign(tape.gradient(loss, images))
    return tf.clip_by_value(images + step, 0.0, 1.0)


def accuracy(model, images, labels):
    predicted = np.argmax(model(images, training=False), axis=1)
    return float(np.mean(predicted == labels))


epsilon = 0.15
attacked = attack(plain, data.x_test, data.y_test, epsilon)
plain_attacked = accuracy(plain, attacked, data.y_test)
print(f"attacked with epsilon {epsilon}: test accuracy {plain_attacked:.4f}")

# %%
# A change of 0.15 per pixel leaves every digit easy to read for a person,
# yet the model trained with ``fit`` now gets most of them wrong. The first
# six test digits, clean (top) and attacked (bottom), with its predictions:
predicted_clean = np.argmax(plain(data.x_test[:6]), axis=1)
predicted_attacked = np.argmax(plain(attacked[:6]), axis=1)
fig, axes = plt.subplots(2, 6, figsize=(7, 3), layout="constrained")
for column in range(6):
    for row, (images, predicted) in enumerate(
        [(data.x_test, predicted_clean), (attacked, predicted_attacked)]
    ):
        ax = axes[row, column]
        ax.imshow(
            np.asarray(images[column])[..., 0], cmap="gray_r", vmin=0, vmax=1
        )
        wrong = predicted[column] != data.y_test[column]
        ax.set_title(
            f"predicted {predicted[column]}",
            fontsize="small",
            color="tab:red" if wrong else "black",
        )
        ax.set_xticks([])
        ax.set_yticks([])
axes[0, 0].set_ylabel("clean")
axes[1, 0].set_ylabel(f"attacked\n(epsilon {epsilon})")

# %%
# The training step
# -----------------
# Each step first attacks the batch with the model as it is, then computes
# the loss on the clean and the attacked images, half each, and updates the
# weights from that. Two tapes: the first differentiates with respect to the
# images, the second with respect to the weights. ``fit`` only ever does the
# second. ``@tf.function`` traces the step into a graph on its first call
# (and again for the smaller last batch); later calls run the graph.
# ``epsilon`` is passed as a tensor: a Python number would be traced into
# the graph as a constant, and a new value would trace it again.
train_loss = keras.metrics.Mean(name="loss")
train_accuracy = keras.metrics.SparseCategoricalAccuracy(name="accuracy")


def make_train_step(model, optimizer):
    @tf.function
    def train_step(images, labels, epsilon):
        with tf.GradientTape() as tape:
            tape.watch(images)
            loss = loss_fn(labels, model(images, training=True))
        step = epsilon * tf.sign(tape.gradient(loss, images))
        attacked = tf.clip_by_value(images + step, 0.0, 1.0)
        with tf.GradientTape() as tape:
            logits = model(images, training=True)
            attacked_logits = model(attacked, training=True)
            loss = 0.5 * loss_fn(labels, logits) + 0.5 * loss_fn(
                labels, attacked_logits
            )
        weights = model.trainable_variables
        gradients = tape.gradient(loss, weights)
        optimizer.apply_gradients(zip(gradients, weights, strict=True))
        train_loss.update_state(loss, sample_weight=tf.shape(labels)[0])
        train_accuracy.update_state(labels, logits)

    return train_step


# %%
# With ``epsilon = 0`` the attacked images are the clean ones and the loss is
# the ordinary one, so one epoch of this step must move the weights exactly
# as one epoch of ``fit`` does, from the same weights and batches. A quick
# check that the loop is ``fit``'s step plus the attack, nothing else:
seed_everything(0)
reference = make_model()
reference.set_weights(initial_weights)
reference.compile(optimizer=keras.optimizers.Adam(3e-3), loss=loss_fn)
reference.fit(training_batches(), epochs=1, shuffle=False, verbose=0)

check = make_model()
check.set_weights(initial_weights)
check_step = make_train_step(check, keras.optimizers.Adam(3e-3))
for images, labels in training_batches():
    check_step(images, labels, tf.constant(0.0))
largest = max(
    float(np.max(np.abs(a - b)))
    for a, b in zip(check.get_weights(), reference.get_weights(), strict=True)
)
print(f"after one epoch, largest difference from fit: {largest:.1e}")

# %%
# The loop
# --------
# Now the adversarial training proper, from the same initial weights. After
# each epoch the loop measures the validation images twice: clean, and
# attacked against the model as it is at that point. The values go into a
# dict shaped like ``History.history``.
model = make_model()
model.set_weights(initial_weights)
train_step = make_train_step(model, keras.optimizers.Adam(3e-3))
history = {"loss": [], "accuracy": [], "val_accuracy": [], "val_attacked": []}
for epoch in range(1, epochs + 1):
    train_loss.reset_state()
    train_accuracy.reset_state()
    for images, labels in training_batches():
        train_step(images, labels, tf.constant(epsilon))
    history["loss"].append(float(train_loss.result()))
    history["accuracy"].append(float(train_accuracy.result()))
    history["val_accuracy"].append(accuracy(model, data.x_val, data.y_val))
    val_attacked = attack(model, data.x_val, data.y_val, epsilon)
    history["val_attacked"].append(accuracy(model, val_attacked, data.y_val))
    if epoch % 5 == 0:
        print(
            f"epoch {epoch:2d}  "
            + "  ".join(f"{k} {v[-1]:.4f}" for k, v in history.items())
        )

# %%
# ``plot_history`` from ``tfdocs_helpers`` takes such a dict as it takes a
# ``History`` (five lines of Matplotlib over the lists would do too; the
# helper adds the styles and marks the best epoch): the training accuracy on
# clean batches (solid), and the validation accuracy on clean and on attacked
# images (dashed). Accuracy under attack climbs more slowly than clean accuracy, and
# the clean accuracy hardly suffers from the extra work.
fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
plot_history(history, metrics=["accuracy", "val_attacked"], ax=ax)
ax.set_ylabel("accuracy")

# %%
# Robustness
# ----------
# Both models on the test images, attacked with increasing ``epsilon`` (each
# attack uses the gradients of the model it attacks). Without an attack they
# are as accurate as each other; under attack the adversarially trained model
# keeps far more of its accuracy.
epsilons = np.linspace(0, 0.3, 7)
curves = {
    "trained with fit": plain,
    f"adversarial training (epsilon {epsilon})": model,
}
results = {
    name: [
        accuracy(m, attack(m, data.x_test, data.y_test, e), data.y_test)
        for e in epsilons
    ]
    for name, m in curves.items()
}
fig, ax = plt.subplots(figsize=(6, 4.2), layout="constrained")
for name, values in results.items():
    ax.plot(epsilons, values, marker="o", label=name)
ax.axvline(epsilon, color="grey", linestyle=":", linewidth=1)
ax.set(xlabel="attack strength epsilon", ylabel="test accuracy")
ax.set_ylim(0, 1)
ax.grid(True, alpha=0.3)
ax.legend(loc="upper right")
for name, values in results.items():
    print(f"{name:<38}", "  ".join(f"{v:.2f}" for v in values))

# %%
# The defence has limits: a stronger attack (``epsilon`` 0.3 here) still
# breaks it, and it was trained against this one kind of attack only. What
# the loop shows is the mechanism, a gradient with respect to the input taken
# inside the training step, which ``fit`` alone cannot express.

# sphinx_gallery_thumbnail_number = 3

# sphinx_gallery_start_ignore
robust, fragile = results[list(curves)[1]], results["trained with fit"]
assert largest < 1e-5, largest
assert plain_accuracy >= 0.93, plain_accuracy
assert plain_attacked < 0.4, plain_attacked
assert robust[0] >= 0.93 and fragile[0] >= 0.93, (robust, fragile)
at_epsilon = int(np.argmin(np.abs(epsilons - epsilon)))
assert robust[at_epsilon] > fragile[at_epsilon] + 0.25, (robust, fragile)
assert all(r >= f for r, f in zip(robust[1:], fragile[1:], strict=True))
assert history["val_attacked"][-1] > history["val_attacked"][0] + 0.2, history
assert history["val_accuracy"][-1] >= 0.93, history
assert (predicted_clean == data.y_test[:6]).all()
assert (predicted_attacked != data.y_test[:6]).sum() >= 3, predicted_attacked
# sphinx_gallery_end_ignore
