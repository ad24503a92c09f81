"""Connectors: platform APIs and feeds read incrementally into the Mention store.

:mod:`base` (interface, errors, HTTP policy), :mod:`state` (cursors and run log),
:mod:`config` (the sources of the workspace config file), :mod:`collect` (run sources
once), and one module per platform: :mod:`feeds`, :mod:`facebook`, :mod:`youtube`.
"""
