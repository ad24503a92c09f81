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
    (
        3,
        "signals, alert rules, the alert outbox and its delivery log",
        (
            """CREATE TABLE signals (
                id VARCHAR PRIMARY KEY,
                workspace VARCHAR NOT NULL,
                topic VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                signal_key VARCHAR NOT NULL,
                grain VARCHAR NOT NULL,
                bucket_start TIMESTAMPTZ NOT NULL,
                severity INTEGER NOT NULL,
                stage VARCHAR,
                payload VARCHAR NOT NULL,
                detected_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )""",
            """CREATE TABLE alert_rules (
                workspace VARCHAR NOT NULL,
                name VARCHAR NOT NULL,
                topic VARCHAR,
                kinds VARCHAR NOT NULL,
                min_severity INTEGER NOT NULL,
                channel VARCHAR NOT NULL,
                target VARCHAR NOT NULL,
                quiet_hours VARCHAR,
                cooldown_minutes INTEGER NOT NULL,
                enabled BOOLEAN NOT NULL DEFAULT TRUE,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (workspace, name)
            )""",
            """CREATE TABLE alert_deliveries (
                id BIGINT PRIMARY KEY,
                workspace VARCHAR NOT NULL,
                rule VARCHAR NOT NULL,
                channel VARCHAR NOT NULL,
                signal_id VARCHAR NOT NULL,
                signal_key VARCHAR NOT NULL,
                payload VARCHAR NOT NULL,
                status VARCHAR NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at TIMESTAMPTZ,
                last_error VARCHAR,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                sent_at TIMESTAMPTZ
            )""",
            """CREATE TABLE alert_attempts (
                delivery_id BIGINT NOT NULL,
                attempt INTEGER NOT NULL,
                attempted_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                ok BOOLEAN NOT NULL,
                detail VARCHAR
            )""",
        ),
    ),
    (
        4,
        "users, workspace memberships, web sessions, API tokens, signal cases, moderation",
        (
            """CREATE TABLE users (
                name VARCHAR PRIMARY KEY,
                display_name VARCHAR NOT NULL,
                password_hash VARCHAR NOT NULL,
                disabled BOOLEAN NOT NULL DEFAULT FALSE,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )""",
            """CREATE TABLE memberships (
                user_name VARCHAR NOT NULL,
                workspace VARCHAR NOT NULL,
                role VARCHAR NOT NULL,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (user_name, workspace)
            )""",
            """CREATE TABLE web_sessions (
                token_hash VARCHAR PRIMARY KEY,
                user_name VARCHAR NOT NULL,
                workspace VARCHAR NOT NULL,
                csrf VARCHAR NOT NULL,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                expires_at TIMESTAMPTZ NOT NULL
            )""",
            """CREATE TABLE api_tokens (
                id BIGINT PRIMARY KEY,
                token_hash VARCHAR NOT NULL UNIQUE,
                user_name VARCHAR NOT NULL,
                workspace VARCHAR NOT NULL,
                name VARCHAR NOT NULL,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                last_used_at TIMESTAMPTZ,
                revoked_at TIMESTAMPTZ
            )""",
            """CREATE TABLE signal_cases (
                workspace VARCHAR NOT NULL,
                signal_id VARCHAR NOT NULL,
                status VARCHAR NOT NULL,
                assignee VARCHAR,
                opened_at TIMESTAMPTZ NOT NULL,
                acknowledged_at TIMESTAMPTZ,
                acknowledged_by VARCHAR,
                resolved_at TIMESTAMPTZ,
                resolved_by VARCHAR,
                PRIMARY KEY (workspace, signal_id)
            )""",
            """CREATE TABLE case_events (
                workspace VARCHAR NOT NULL,
                signal_id VARCHAR NOT NULL,
                happened_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                user_name VARCHAR NOT NULL,
                action VARCHAR NOT NULL,
                note VARCHAR
            )""",
            """CREATE TABLE moderation (
                workspace VARCHAR NOT NULL,
                platform VARCHAR NOT NULL,
                source_id VARCHAR NOT NULL,
                decision VARCHAR NOT NULL,
                decided_by VARCHAR NOT NULL,
                note VARCHAR,
                decided_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (workspace, platform, source_id)
            )""",
            """CREATE TABLE ingest_keys (
                workspace VARCHAR NOT NULL,
                idempotency_key VARCHAR NOT NULL,
                response VARCHAR NOT NULL,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (workspace, idempotency_key)
            )""",
        ),
    ),
    (
        5,
        "connector cursors and collection runs",
        (
            """CREATE TABLE source_state (
                workspace VARCHAR NOT NULL,
                source VARCHAR NOT NULL,
                query VARCHAR NOT NULL,
                state VARCHAR NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (workspace, source, query)
            )""",
            """CREATE TABLE source_runs (
                id BIGINT PRIMARY KEY,
                workspace VARCHAR NOT NULL,
                source VARCHAR NOT NULL,
                platform VARCHAR NOT NULL,
                status VARCHAR NOT NULL,
                started_at TIMESTAMPTZ NOT NULL,
                finished_at TIMESTAMPTZ,
                fetched BIGINT NOT NULL DEFAULT 0,
                inserted BIGINT NOT NULL DEFAULT 0,
                updated BIGINT NOT NULL DEFAULT 0,
                rejected BIGINT NOT NULL DEFAULT 0,
                errors INTEGER NOT NULL DEFAULT 0,
                requests BIGINT NOT NULL DEFAULT 0,
                retries BIGINT NOT NULL DEFAULT 0,
                quota_used BIGINT NOT NULL DEFAULT 0,
                message VARCHAR,
                next_run_at TIMESTAMPTZ
            )""",
        ),
    ),
    (
        6,
        "KOL campaigns",
        (
            """CREATE TABLE campaigns (
                workspace VARCHAR NOT NULL,
                name VARCHAR NOT NULL,
                since TIMESTAMPTZ NOT NULL,
                until TIMESTAMPTZ NOT NULL,
                cost DOUBLE PRECISION,
                brand VARCHAR,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (workspace, name)
            )""",
            """CREATE TABLE campaign_members (
                workspace VARCHAR NOT NULL,
                campaign VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                platform VARCHAR NOT NULL,
                value VARCHAR NOT NULL,
                cost DOUBLE PRECISION,
                PRIMARY KEY (workspace, campaign, kind, platform, value)
            )""",
        ),
    ),
    (
        7,
        "sources defined through the API, with encrypted credentials",
        (
            """CREATE TABLE api_sources (
                workspace VARCHAR NOT NULL,
                name VARCHAR NOT NULL,
                type VARCHAR NOT NULL,
                options VARCHAR NOT NULL,
                interval_seconds BIGINT NOT NULL,
                enabled BOOLEAN NOT NULL DEFAULT true,
                secrets VARCHAR,
                secrets_meta VARCHAR NOT NULL DEFAULT '{}',
                created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                created_by VARCHAR,
                updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                updated_by VARCHAR,
                PRIMARY KEY (workspace, name)
            )""",
        ),
    ),
    (
        8,
        "moderation history: every decision and undo, never rewritten",
        (
            "CREATE SEQUENCE moderation_events_seq",
            """CREATE TABLE moderation_events (
                seq BIGINT NOT NULL DEFAULT nextval('moderation_events_seq'),
                workspace VARCHAR NOT NULL,
                platform VARCHAR NOT NULL,
                source_id VARCHAR NOT NULL,
                acted_at TIMESTAMPTZ NOT NULL,
                actor VARCHAR,
                action VARCHAR NOT NULL,
                note VARCHAR
            )""",
            # the decisions taken before this migration are their mentions' first events
            """INSERT INTO moderation_events (workspace, platform, source_id, acted_at, actor,
                action, note)
            SELECT workspace, platform, source_id, decided_at, decided_by, decision, note
            FROM moderation ORDER BY decided_at""",
        ),
    ),
)

LATEST: Final[int] = MIGRATIONS[-1][0]
