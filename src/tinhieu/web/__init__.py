"""The web app and REST API (``tinhieu serve``)."""

from tinhieu.web.app import create_app

__all__ = ["create_app"]
