"""schemathesis against the served OpenAPI document (/api/v1/openapi.json), through the
ASGI app: every operation, as a viewer and as an admin (writes included), must never
answer 5xx, and its answers must match the response schemas the document declares.

It runs on a fresh world of its own (``build_world``), so the random writes of the
admin run never disturb the other tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.web.conftest import WebWorld, build_world
from tinhieu.store import DuckDBStore, open_store

MAX_EXAMPLES = 6  # per operation and role: the whole file runs in about two minutes


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory: pytest.TempPathFactory) -> WebWorld:
    return build_world(tmp_path_factory.mktemp("schemathesis"))


@pytest.fixture(scope="module")
def fuzz_store(fuzz_world: WebWorld) -> Iterator[DuckDBStore]:
    store = open_store(fuzz_world.db)
    yield store
    store.close()


@pytest.fixture(scope="module")
def fuzz_app(fuzz_store: DuckDBStore) -> Iterator[Any]:
    from tinhieu.web import create_app

    app = create_app(fuzz_store)
    yield app
    worker = getattr(app.state, "after_ingest", None)
    if worker is not None:  # ingested rows are analysed in the background
        worker.flush(timeout=120)


@pytest.fixture(scope="module")
def api_schema(fuzz_app: Any) -> Any:
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", fuzz_app)


def _explain(exc: BaseException) -> str:
    """The failure's message, the sub-failures' of a group (with their curl commands)."""
    if isinstance(exc, BaseExceptionGroup):
        return "\n".join(_explain(e) for e in exc.exceptions)
    return str(exc)[:3000]


def _fuzz(api_schema: Any, world: WebWorld, role: str) -> None:
    """Every operation, ``MAX_EXAMPLES`` generated requests each; all failures listed.

    (Driven by hand rather than by ``schemathesis.pytest.from_fixture``, whose lazy
    loading does not work with pytest 9.)"""
    headers = {"Authorization": f"Bearer {world.tokens[role]}"}
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy())
        def run(case: schemathesis.Case) -> None:
            try:
                response = case.call(headers=headers)
            except Exception as exc:  # a timeout: say which request
                request = f"{case.method} {case.formatted_path} query={case.query}"
                raise AssertionError(f"{request} body={case.body!r:.300}: {exc}") from exc
            case.validate_response(
                response,
                checks=[not_a_server_error, response_schema_conformance],
                headers=headers,
            )

        try:
            run()
        except Exception as exc:  # collect, then report every operation that failed
            failures.append(f"{operation.method.upper()} {operation.path}: {_explain(exc)}")
    assert not failures, f"{len(failures)} operations failed as {role}:\n" + "\n\n".join(failures)


FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: it can take minutes
    print_blob=True,
)


def test_as_viewer(api_schema: Any, fuzz_world: WebWorld) -> None:
    _fuzz(api_schema, fuzz_world, "viewer")


def test_as_admin(api_schema: Any, fuzz_world: WebWorld) -> None:
    """Writes go through: topics, rules, members, tokens, ingest … on this file's store."""
    _fuzz(api_schema, fuzz_world, "admin")


def test_the_document_lists_the_api(fuzz_app: Any) -> None:
    doc = fuzz_app.openapi()
    assert doc["openapi"].startswith("3.")
    assert "/api/v1/ingest" in doc["paths"]
    body = doc["paths"]["/api/v1/ingest"]["post"]["requestBody"]["content"]
    item = body["application/json"]["schema"]["properties"]["mentions"]["items"]
    assert "created_at" in item["required"]
    assert item["additionalProperties"] is False
