"""The benchmark's settings: production settings plus the "hello" view's URL.

Only `bench/bench.py` uses them; nothing else mounts the hello view.
"""

from outsourcing.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
