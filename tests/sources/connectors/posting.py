"""The loopback fake server, answering POST too (token endpoints, TikTok's Research
API): the request body travels in :class:`PostReq`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.sources.connectors.servers import FakeServer, Req, Resp


@dataclass
class PostReq(Req):
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))


class PostServer(FakeServer):
    def __init__(self, app: Callable[[Req], Resp]) -> None:
        super().__init__(app)
        server = self
        base: Any = self.httpd.RequestHandlerClass

        class Handler(base):  # type: ignore[misc]
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                req = PostReq(
                    "POST",
                    parts.path,
                    dict(parse_qsl(parts.query, keep_blank_values=True)),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                resp = server._answer(req)
                if resp.drop:
                    self.close_connection = True
                    return
                data, ctype = resp.payload()
                self.send_response(resp.status)
                for k, v in {"Content-Type": ctype, **resp.headers}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                if server.kill_when is not None and server.kill_when(req):
                    server.down = True

        self.httpd.RequestHandlerClass = Handler
