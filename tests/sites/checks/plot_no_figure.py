"""
An example that plots nothing
=============================

Every gallery script is expected to draw at least one figure.
"""

print("computed, but never plotted")
