"""A loopback HTTP server for connector tests: routes answered by a Python function,
faults injected in order, and a switch that makes it drop every connection (a server
that died mid-run)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Req:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names


@dataclass
class Resp:
    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection without answering

    def payload(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, self.headers.get("Content-Type", "application/octet-stream")
        if isinstance(self.body, str):
            return self.body.encode("utf-8"), self.headers.get(
                "Content-Type", "text/plain; charset=utf-8"
            )
        data = json.dumps(self.body, ensure_ascii=False).encode("utf-8")
        return data, "application/json; charset=UTF-8"


def error_json(status: int, body: Any, **headers: str) -> Resp:
    return Resp(status, body, dict(headers))


class FakeServer:
    """``app(req) -> Resp`` on 127.0.0.1, in a thread. Use as a context manager."""

    def __init__(self, app: Callable[[Req], Resp]) -> None:
        self.app = app
        self.log: list[Req] = []
        self.faults: list[tuple[str, Resp]] = []
        self.down = False
        self.kill_when: Callable[[Req], bool] | None = None
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                req = Req(
                    "GET",
                    parts.path,
                    dict(parse_qsl(parts.query, keep_blank_values=True)),
                    {k.lower(): v for k, v in self.headers.items()},
                )
                resp = server._answer(req)
                if resp.drop:
                    self.close_connection = True
                    return
                data, ctype = resp.payload()
                self.send_response(resp.status)
                headers = {"Content-Type": ctype, **resp.headers}
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                if server.kill_when is not None and server.kill_when(req):
                    server.down = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def _answer(self, req: Req) -> Resp:
        with self._lock:
            self.log.append(req)
            if self.down:
                return Resp(drop=True)
            for i, (prefix, resp) in enumerate(self.faults):
                if req.path.startswith(prefix):
                    del self.faults[i]
                    return resp
        return self.app(req)

    def inject(self, prefix: str, *responses: Resp) -> None:
        """Answer the next requests under ``prefix`` with ``responses``, in order."""
        with self._lock:
            self.faults.extend((prefix, r) for r in responses)

    def requests(self, prefix: str = "") -> list[Req]:
        with self._lock:
            return [r for r in self.log if r.path.startswith(prefix)]

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
