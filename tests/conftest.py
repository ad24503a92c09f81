"""Test-suite settings shared by every folder."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# CI runs are reproducible (the same examples every time, no per-example deadline on a
# busy 2-core machine); local runs keep exploring new random examples.
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
