"""Versioned schema migrations, shared by every backend.

Each migration is a list of statements in the SQL subset DuckDB and PostgreSQL share
(types are translated by the backend). A migration runs once, in a transaction, and
records its version in ``schema_version``. Never edit a released migration: add one.
"""

from __future__ import annotations

from typing import Final

from tinhieu.schema import MENTION_FIELDS


def _mentions_ddl() -> str:
    cols = ",\n    ".join(
        f"{f.name} {f.sql_type}{' NOT NULL' if f.required else ''}" for f in MENTION_FIELDS
    )
    return f"CREATE TABLE mentions (\n    {cols}\n)"


MIGRATIONS: Final[tuple[tuple[int, str, tuple[str, ...]], ...]] = (
    (
        1,
        "workspaces, mentions, topics, import jobs and rejects",
        (
            """CREATE TABLE workspaces (
                name VARCHAR PRIMARY KEY,
                timezone VARCHAR NOT NULL,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )""",
            _mentions_ddl(),
            """CREATE TABLE topics (
                workspace VARCHAR NOT NULL,
                name VARCHAR NOT NULL,
                query VARCHAR NOT NULL,
                topic_group VARCHAR NOT NULL,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (workspace, name)
            )""",
            """CREATE TABLE imports (
                id BIGINT PRIMARY KEY,
                workspace VARCHAR NOT NULL,
                path VARCHAR NOT NULL,
                sha256 VARCHAR NOT NULL,
                options VARCHAR NOT NULL,
                status VARCHAR NOT NULL,
                next_offset BIGINT NOT NULL DEFAULT 0,
                next_line BIGINT NOT NULL DEFAULT 1,
                rows_read BIGINT NOT NULL DEFAULT 0,
                inserted BIGINT NOT NULL DEFAULT 0,
                updated BIGINT NOT NULL DEFAULT 0,
                duplicates BIGINT NOT NULL DEFAULT 0,
                rejected BIGINT NOT NULL DEFAULT 0,
                reject_file VARCHAR,
                started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                finished_at TIMESTAMPTZ
            )""",
            """CREATE TABLE import_rejects (
                import_id BIGINT NOT NULL,
                line BIGINT NOT NULL,
                reason VARCHAR NOT NULL,
                raw VARCHAR NOT NULL
            )""",
        ),
    ),
    (
        2,
        "analyst corrections of NLP labels and workspace models",
        (
            """CREATE TABLE corrections (
                workspace VARCHAR NOT NULL,
                platform VARCHAR NOT NULL,
                source_id VARCHAR NOT NULL,
                field VARCHAR NOT NULL,
                value VARCHAR NOT NULL,
                text VARCHAR,
                corrected_by VARCHAR,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (workspace, platform, source_id, field)
            )""",
            """CREATE TABLE nlp_models (
                workspace VARCHAR PRIMARY KEY,
                path VARCHAR NOT NULL,
                corrections BIGINT NOT NULL,
                report VARCHAR NOT NULL,
                trained_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )""",
        ),
    ),
)

LATEST: Final[int] = MIGRATIONS[-1][0]
