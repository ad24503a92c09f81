"""tinhieu (tín hiệu): open, self-hosted, Vietnamese-first social listening.

For notebooks::

    import tinhieu
    ws = tinhieu.open_workspace("tinhieu.duckdb")
    ws.import_file("export.csv")
    ws.add_topic("Trà Mây", '"trà mây" OR tramay OR #tramay', group="brand")
    ws.mentions(query="giao hàng NEAR/3 chậm")     # a pandas DataFrame
    ws.stats(group="brand").to_dict()
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tinhieu.api import Workspace, open_workspace

__all__ = ["Workspace", "__version__", "open_workspace"]


def __getattr__(name: str) -> Any:
    # Lazy, so that `import tinhieu.x` and the CLI do not load the whole package.
    if name in ("Workspace", "open_workspace"):
        from tinhieu import api

        return getattr(api, name)
    raise AttributeError(name)
