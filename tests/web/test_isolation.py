"""Workspace isolation over every route of the app, found by walking ``app.routes``.

Eve is admin of workspace "other". She calls every API route (with her Bearer token)
and every page route (logged in, with her CSRF token), every method, with path
parameters, query parameters and bodies filled with the identifiers of workspace
"default" (a signal id, a mention's platform/source_id, a topic name, a token id, a
user name, an alert rule name). Then:

* nothing answers 5xx;
* nothing answers 2xx on a path naming a resource of "default" (pages: not 2xx or 3xx
  for writes either, a form's success is a redirect), nor on an API write whose body
  names one by id;
* no response contains a marker only "default" has (its topic names, the hostile
  mention's text, its signal ids, its alert rule …) unless the request itself sent it;
* "default"'s rows in every table with a ``workspace`` column are the same afterwards
  (so no write went through, whatever its status code);
* Eve's session is still in "other".

A new route is covered automatically. A route whose path parameter has no filler below
fails the test with a message saying so: add a filler to ``FILLERS``.

It runs on a world of its own (``build_world``), since Eve's writes change "other".
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.web.conftest import CAMPAIGN, WebWorld, build_world, csrf_of, login
from tinhieu.store import DuckDBStore, open_store

#: Routes that exist today; the test fails if one disappears from the walk (a sign that
#: the walk missed routes), new ones are simply covered.
KNOWN = {
    "GET /",
    "GET /login",
    "POST /logout",
    "GET /api/v1/me",
    "GET /api/v1/topics",
    "GET /api/v1/overview",
    "GET /api/v1/stats",
    "POST /api/v1/ingest",
    "GET /api/v1/mentions",
    "GET /api/v1/mentions/{platform}/{source_id}",
    "GET /api/v1/signals",
    "GET /api/v1/signals/{signal_id}",
    "POST /api/v1/signals/{signal_id}/acknowledge",
    "POST /api/v1/signals/{signal_id}/resolve",
    "DELETE /api/v1/topics/{name}",
    "DELETE /api/v1/tokens/{token_id}",
    "PUT /api/v1/members/{user}",
    "GET /api/v1/alert-rules/{name}",
    "POST /api/v1/corrections",
    "POST /api/v1/moderation/decisions",
    "GET /mentions",
    "GET /signals",
    "GET /signals/{signal_id}",
    "GET /settings",
    "GET /topics",
}
RULE_NAME = "Quy tắc khủng hoảng mặc định"
STATIC_PREFIXES = ("/static",)
#: Never called: logging Eve out would end the session the rest of the test uses.
LAST = {"POST /logout"}


@dataclass
class Ids:
    """Identifiers of workspace "default" (and some of Eve's own)."""

    signal_id: str
    platform: str
    source_id: str
    topic: str
    token_id: int
    user: str
    rule: str
    markers: set[str] = field(default_factory=set)


def _default_ids(store: DuckDBStore) -> Ids:
    signal = store.fetch_all(
        "SELECT id FROM signals WHERE workspace = 'default' ORDER BY severity DESC LIMIT 1"
    )
    assert signal, "the world has no signal in 'default'"
    token = store.fetch_all(
        "SELECT id FROM api_tokens WHERE workspace = 'default' AND user_name = 'admin' LIMIT 1"
    )
    topics = [r[0] for r in store.fetch_all("SELECT name FROM topics WHERE workspace = 'default'")]
    signal_ids = [
        r[0] for r in store.fetch_all("SELECT id FROM signals WHERE workspace = 'default'")
    ]
    ids = Ids(
        signal_id=str(signal[0][0]),
        platform="facebook",
        source_id="xss-1",
        topic="Lumi Tea",
        token_id=int(token[0][0]),
        user="admin",
        rule=RULE_NAME,
    )
    assert ids.topic in topics
    ids.markers = {*topics, *(s for s in signal_ids if len(s) >= 8), "xsspayload", RULE_NAME}
    ids.markers |= {"Quản trị", "Kẻ xấu", "__pwned"}  # admin's name, the hostile mention
    ids.markers.add(CAMPAIGN)
    return ids


# --- fillers: a value for each parameter name; owned = names a resource of "default" ---
@dataclass(frozen=True)
class Filler:
    value: Callable[[Ids, str], Any]
    owned: bool = True


def _name(ids: Ids, path: str) -> str:
    if "alert-rules" in path or "/rules" in path:
        return ids.rule
    if "campaigns" in path:
        return CAMPAIGN
    return ids.topic


FILLERS: dict[str, Filler] = {
    "signal_id": Filler(lambda ids, _: ids.signal_id),
    "platform": Filler(lambda ids, _: ids.platform),
    "source_id": Filler(lambda ids, _: ids.source_id),
    "name": Filler(_name),
    "topic": Filler(lambda ids, _: ids.topic),
    "token_id": Filler(lambda ids, _: ids.token_id),
    "user": Filler(lambda ids, _: ids.user),
    "author_id": Filler(lambda ids, _: "u-xss-1"),  # the author of default's hostile mention
    "rule": Filler(lambda ids, _: ids.rule),
    "code": Filler(lambda ids, _: "en", owned=False),  # /lang/{code}
    "q": Filler(lambda ids, _: "xsspayload", owned=False),  # a search for default's text
}
#: Query parameters worth filling even when optional (they select a resource).
QUERY_IDS = {
    "platform",
    "source_id",
    "topic",
    "name",
    "signal_id",
    "token_id",
    "user",
    "rule",
    "q",
}
#: Body fields that name an existing resource by id: an API write naming one of
#: "default"'s must not succeed.
BODY_IDS = {"source_id", "signal_id", "token_id"}
#: Plausible values for string fields that take one of a few words.
STRINGS = {
    "field": "sentiment",
    "value": "negative",
    "decision": "hide",
    "role": "viewer",
    "channel": "webhook",
    "group": "brand",
}


def _form(ids: Ids, csrf: str) -> dict[str, str]:
    """A generous page form: every field a page of ours reads, filled with "default"'s."""
    return {
        "csrf": csrf,
        "platform": ids.platform,
        "source_id": ids.source_id,
        "signal_id": ids.signal_id,
        "id": str(ids.token_id),
        "token_id": str(ids.token_id),
        "name": ids.topic,
        "topic": ids.topic,
        "old_name": ids.topic,
        "rule": ids.rule,
        "user": ids.user,
        "workspace": "default",
        "field": "sentiment",
        "value": "negative",
        "decision": "hide",
        "note": "eve probe",
        "query": '"eve probe"',
        "group": "brand",
        "role": "viewer",
        "assignee": "eve",
        "channel": "webhook",
        "next": "/",
    }


# --- request bodies from the OpenAPI document ----------------------------------------------
def _resolve(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema


def _example(
    schema: dict[str, Any], doc: dict[str, Any], ids: Ids, key: str, path: str, top: bool
) -> Any:
    schema = _resolve(schema, doc)
    for choice in ("anyOf", "oneOf"):
        if choice in schema:
            options = [s for s in schema[choice] if _resolve(s, doc).get("type") != "null"]
            return _example(options[0], doc, ids, key, path, top) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props: dict[str, Any] = schema.get("properties", {})
        wanted = set(schema.get("required", [])) | (set(props) & BODY_IDS)
        return {
            name: _example(props[name], doc, ids, name, path, top and True)
            for name in props
            if name in wanted
        }
    if kind == "array":
        if schema.get("minItems", 0) == 0:
            return []
        return [_example(schema.get("items", {}), doc, ids, key, path, False)]
    if kind == "integer":
        if key == "token_id" and top:
            return ids.token_id
        return max(1, int(schema.get("minimum", 1)))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    # strings
    if key in STRINGS:
        return STRINGS[key]
    if key in ("created_at", "collected_at"):
        return "2026-01-01T00:00:00+07:00"
    if top and key in BODY_IDS | {"platform"}:
        return str(FILLERS[key].value(ids, path))
    if key in ("query", "q"):
        return '"eve probe"'
    if key in ("note", "text"):
        return "eve probe"
    if key == "url":
        return "https://example.com/eve"
    value = f"eve-probe-{key}"
    return value[: schema.get("maxLength", len(value))]


# --- the walk ------------------------------------------------------------------------------
@dataclass
class Call:
    method: str
    path: str  # the route's path
    api: bool
    route: Any


def _routes(app: Any) -> Iterator[tuple[str, set[str], Any]]:
    """(path, methods, endpoint route) of every route, whatever FastAPI's version."""
    try:
        from fastapi.routing import iter_route_contexts  # FastAPI ≥ 0.130: lazy includes
    except ImportError:  # pragma: no cover - older FastAPI flattens app.routes itself
        for route in app.routes:
            yield getattr(route, "path", ""), set(getattr(route, "methods", None) or ()), route
        return
    for ctx in iter_route_contexts(app.routes):
        yield ctx.path, set(getattr(ctx, "methods", None) or ()), ctx.original_route


def _calls(app: Any) -> list[Call]:
    calls: list[Call] = []
    for path, methods, route in _routes(app):
        if not path or path.startswith(STATIC_PREFIXES) or path == "/api/v1/openapi.json":
            continue
        for method in sorted(methods - {"HEAD", "OPTIONS"}):
            calls.append(Call(method, path, path.startswith("/api/"), route))
    return calls


def _label(call: Call) -> str:
    return f"{call.method} {re.sub(r':[a-z]+}', '}', call.path)}"


_PARAM = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::[a-z]+)?}")


def _fill_path(call: Call, ids: Ids) -> tuple[str, bool]:
    """The URL path with "default"'s identifiers, and whether it names one of them."""
    owned = False
    missing: list[str] = []

    def one(m: re.Match[str]) -> str:
        nonlocal owned
        filler = FILLERS.get(m.group(1))
        if filler is None:
            missing.append(m.group(1))
            return m.group(0)
        owned = owned or filler.owned
        return str(filler.value(ids, call.path)).replace("/", "%2F")

    url = _PARAM.sub(one, call.path)
    if missing:
        pytest.fail(
            f"{_label(call)}: no filler for path parameter(s) {missing}; add one to FILLERS "
            "in tests/web/test_isolation.py (a value from workspace 'default')"
        )
    return url, owned


def _query(call: Call, ids: Ids, with_ids: Collection[str] = QUERY_IDS) -> dict[str, str]:
    """Query parameters: the required ones, and those of ``with_ids`` (filled)."""
    dependant = getattr(call.route, "dependant", None)
    params: dict[str, str] = {}
    for param in getattr(dependant, "query_params", []) if dependant is not None else []:
        name = param.alias or param.name
        required = param.field_info.is_required()
        filler = FILLERS.get(name)
        if filler is not None and (name in with_ids or required):
            params[name] = str(filler.value(ids, call.path))
        elif required:
            params[name] = "eve probe"
    return params


def _snapshot(store: DuckDBStore) -> dict[str, str]:
    """A digest of every row of "default" in every table with a workspace column."""
    tables = [
        r[0]
        for r in store.fetch_all(
            "SELECT DISTINCT table_name FROM information_schema.columns "
            "WHERE column_name = 'workspace' ORDER BY 1"
        )
    ]
    out: dict[str, str] = {}
    for table in tables:
        if table in ("web_sessions",) or table.startswith("metrics_"):
            continue  # sessions are Eve's own; the rollup is derived data
        rows = store.fetch_all(f'SELECT * FROM "{table}" WHERE workspace = ?', ["default"])
        text = json.dumps(sorted(repr(r) for r in rows), ensure_ascii=False)
        out[table] = f"{len(rows)}:{hashlib.sha256(text.encode()).hexdigest()}"
    return out


@dataclass
class Ctx:
    ids: Ids
    doc: dict[str, Any]
    api: TestClient
    api_headers: dict[str, str]
    pages: TestClient
    csrf: str
    statuses: dict[str, int]


def _probe(
    call: Call, label: str, url: str, owned: bool, query: dict[str, str], ctx: Ctx
) -> list[str]:
    """Call one route once as Eve; the problems seen."""
    ids, doc, csrf, statuses = ctx.ids, ctx.doc, ctx.csrf, ctx.statuses
    api, api_headers, pages = ctx.api, ctx.api_headers, ctx.pages
    problems: list[str] = []
    body: Any = None
    form: dict[str, str] | None = None
    body_names_default = False
    if call.method != "GET":
        if call.api:
            op = (
                doc["paths"]
                .get(re.sub(r":[a-z]+}", "}", call.path), {})
                .get(call.method.lower(), {})
            )
            content = op.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is not None:
                body = _example(schema, doc, ids, "", call.path, True)
                if isinstance(body, dict):
                    body_names_default = bool(set(body) & BODY_IDS)
        else:
            form = _form(ids, csrf)
    client = api if call.api else pages
    headers = dict(api_headers) if call.api else {"X-CSRF-Token": csrf}
    response = client.request(
        call.method,
        url,
        params=query,
        json=body,
        data=form,
        headers=headers,
        follow_redirects=False,
    )
    status = response.status_code
    statuses[label + (" ?" + "&".join(query) if query else "")] = status
    sent = url + json.dumps(query, ensure_ascii=False) + json.dumps(body, ensure_ascii=False)
    sent += json.dumps(form or {}, ensure_ascii=False)
    where = f"{label} as {url} {query or ''} {json.dumps(body)[:200] if body else ''}"
    if status >= 500:
        problems.append(f"{where}: {status} {response.text[:200]}")
        return problems
    if owned and status < 300:
        problems.append(f"{where}: {status} on a resource of 'default'")
    if owned and not call.api and call.method != "GET" and status < 400:
        problems.append(f"{where}: {status} (a form write on 'default''s resource went on)")
    if body_names_default and status < 300:
        problems.append(f"{where}: {status} for a body naming 'default''s resource")
    leaked = _leaks(response.text, sent, ids.markers)
    if leaked:
        problems.append(f"{where}: {status}, the response shows {sorted(leaked)}")

    return problems


@pytest.fixture(scope="module")
def iso_world(tmp_path_factory: pytest.TempPathFactory) -> WebWorld:
    return build_world(tmp_path_factory.mktemp("isolation"))


@pytest.fixture(scope="module")
def iso_store(iso_world: WebWorld) -> Iterator[DuckDBStore]:
    from tinhieu.signals.alerts.rules import AlertRule, save_rule

    store = open_store(iso_world.db)
    save_rule(
        store,
        AlertRule(
            workspace="default",
            name=RULE_NAME,
            channel="webhook",
            target={"url": "https://example.com/hook"},
        ),
    )
    yield store
    store.close()


def _leaks(text: str, request_text: str, markers: set[str]) -> list[str]:
    return [m for m in markers if m in text and m not in request_text]


def test_eve_cannot_reach_default_through_any_route(
    iso_world: WebWorld, iso_store: DuckDBStore
) -> None:
    from tinhieu.web import create_app

    app = create_app(iso_store)
    ids = _default_ids(iso_store)
    doc = app.openapi()
    api = TestClient(app)
    api_headers = {"Authorization": f"Bearer {iso_world.tokens['eve']}"}
    pages = login(TestClient(app), "eve")
    csrf = csrf_of(pages)
    before = _snapshot(iso_store)

    calls = _calls(app)
    seen = {_label(c) for c in calls}
    missing = KNOWN - seen
    assert not missing, f"the route walk missed routes that exist: {sorted(missing)}"

    # Paths naming a resource first (so that nothing Eve creates in her own workspace
    # under the same name answers for it), then the rest; in each, reads, writes, deletes.
    order = {"GET": 0, "POST": 1, "PUT": 1, "PATCH": 1, "DELETE": 2}
    calls.sort(key=lambda c: ("{" not in c.path, order.get(c.method, 1), c.path))
    problems: list[str] = []
    statuses: dict[str, int] = {}
    ctx = Ctx(ids, doc, api, api_headers, pages, csrf, statuses)
    for call in calls:
        label = _label(call)
        if label in LAST:
            continue
        url, owned = _fill_path(call, ids)
        queries = [_query(call, ids)]
        if call.method == "GET":  # also the plain page or list, and one filter at a time
            for only in [(), *((name,) for name in sorted(queries[0]))]:
                query = _query(call, ids, only)
                if query not in queries:
                    queries.append(query)
        for query in queries:
            problems += _probe(call, label, url, owned, query, ctx)

    worker = getattr(app.state, "after_ingest", None)
    if worker is not None:  # Eve's ingest is analysed in the background
        assert worker.flush(timeout=120)
    after = _snapshot(iso_store)
    changed = [t for t in before if before[t] != after.get(t)]
    if changed:
        problems.append(f"'default''s rows changed in {changed}")
    me = pages.get("/api/v1/me").json()
    if me.get("workspace") != "other":
        problems.append(f"Eve's session moved to workspace {me.get('workspace')!r}")
    assert not problems, "\n".join(problems)
    # the walk really exercised the routes: every known API route answered something
    assert {k.split(" ?")[0] for k in statuses} >= KNOWN - LAST


def test_a_route_without_filler_fails_loudly() -> None:
    call = Call("GET", "/api/v1/widgets/{widget_id}", True, None)
    ids = Ids("s", "facebook", "x", "T", 1, "u", "r")
    with pytest.raises(pytest.fail.Exception, match="no filler for path parameter"):
        _fill_path(call, ids)


def test_the_walk_sees_every_api_route_of_the_openapi_document(app: Any) -> None:
    documented = {
        f"{method.upper()} {path}"
        for path, ops in app.openapi()["paths"].items()
        for method in ops
        if method in ("get", "post", "put", "patch", "delete")
    }
    seen = {_label(c) for c in _calls(app)}
    assert documented <= seen
    assert isinstance(next(iter(_routes(app)))[2], APIRoute | object)


def test_snapshot_notices_a_change(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        store.ensure_workspace("default")
        first = _snapshot(store)
        store.execute(
            "INSERT INTO topics (workspace, name, query, topic_group) VALUES (?, ?, ?, ?)",
            ["default", "x", "x", "brand"],
        )
        assert _snapshot(store) != first
