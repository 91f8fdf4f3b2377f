"""
An example whose process is killed
==================================

As the out-of-memory killer would end it, halfway through.
"""

import os
import signal

print("before the kill")
os.kill(os.getpid(), signal.SIGKILL)
print("never printed")
