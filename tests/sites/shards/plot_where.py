"""
Where an example runs
=====================

It says which process ran it: a child of the build's zygote, or another.
"""

import os
from pathlib import Path

import matplotlib.pyplot as plt

parent = Path(f"/proc/{os.getppid()}/cmdline").read_bytes().split(b"\0")
ZYGOTE = [b"-m", b"tfdocs_sphinx.execute.zygote", b"serve"]
print(
    "run by:", "a child of the zygote" if parent[1:4] == ZYGOTE else "another process"
)

fig, ax = plt.subplots(figsize=(4, 2), layout="constrained")
ax.bar(["zygote's child", "other"], [parent[1:4] == ZYGOTE, parent[1:4] != ZYGOTE])
ax.set(ylabel="ran it", title="Where the example ran")
