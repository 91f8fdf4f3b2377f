"""
A linked example
================

Code in a gallery example links ``keras.Sequential`` too.
"""

import keras

model = keras.Sequential([keras.layers.Dense(1)])
