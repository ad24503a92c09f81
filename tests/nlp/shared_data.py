"""Where the public data sets live for the tests: ``shared/data`` beside the checkout.

Tests that read them skip, naming the missing file, when the folder is absent (a clone
without the data sets); the shipped models and every other test need nothing from it.
"""

from pathlib import Path

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
