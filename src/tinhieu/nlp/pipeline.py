"""The enrichment stage of the pipeline, analysts' corrections and workspace models.

Import → topics → **enrich** → rollup. :func:`enrich` fills the enrichment columns of
the mentions that have none yet (new rows, and rows whose text an import changed — the
store resets their enrichment), then marks seeding campaigns across the workspace's
recent mentions, then applies the analysts' corrections, which always win over a model.

A correction is stored per workspace and mention; ``tinhieu nlp retrain`` folds a
workspace's corrections into a workspace model (the shipped feature space, heads
re-trained on the public data plus the corrections), used from then on for that
workspace only.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import pyarrow as pa

from tinhieu.nlp.analyse import Analyzer
from tinhieu.nlp.bundle import Bundle, load_bundle, shipped_model_dir
from tinhieu.nlp.labels import TASK_CLASSES, LabelError, map_label
from tinhieu.store.duckdb import DuckDBStore

#: Mention fields an analyst may correct, and how a value is checked.
CORRECTABLE: Final[tuple[str, ...]] = ("sentiment", "spam", "aspects", "toxicity", "emotion")
SPAM_KINDS: Final[tuple[str, ...]] = (
    "none",
    "ad",
    "giveaway",
    "seeding",
    "junk",
    "fake_review",
    "brand_only",
)
#: Seeding is looked for among the mentions of this many recent days.
SEEDING_WINDOW_DAYS: Final[int] = 30
#: A seeding campaign is mostly praise posted in a burst (chosen on the demo workspace,
#: where repeated everyday phrases outnumber the planted campaign ten to one).
SEEDING_PRAISE_SHARE: Final[float] = 0.5
SEEDING_BURST_HOURS: Final[float] = 24.0
SEEDING_BURST_SHARE: Final[float] = 0.5
BATCH: Final[int] = 5000


class CorrectionError(ValueError):
    """A correction that cannot be stored (unknown field, value or mention)."""


@dataclass(frozen=True, slots=True)
class EnrichResult:
    analysed: int = 0
    seeding: int = 0
    corrected: int = 0
    seconds: float = 0.0
    model: str = "shipped"


def workspace_model_dir(store: DuckDBStore, workspace: str) -> Path | None:
    """The folder of the workspace's own model, if it has one that still exists."""
    rows = store.fetch_all("SELECT path FROM nlp_models WHERE workspace = ?", [workspace])
    if rows and Path(rows[0][0]).joinpath("manifest.json").is_file():
        return Path(rows[0][0])
    return None


def bundle_for(store: DuckDBStore, workspace: str) -> Bundle:
    return load_bundle(workspace_model_dir(store, workspace))


def _text_of(title: str | None, text: str | None) -> str:
    parts = [p for p in (title, text) if p]
    return "\n".join(parts)


_COLUMNS: Final = pa.schema(
    [
        ("platform", pa.string()),
        ("source_id", pa.string()),
        ("sentiment", pa.string()),
        ("sentiment_score", pa.float64()),
        ("aspects", pa.string()),
        ("spam", pa.string()),
        ("toxicity", pa.string()),
        ("emotion", pa.string()),
        ("language", pa.string()),
    ]
)
_TASKS: Final = ("sentiment", "aspects", "spam", "toxicity", "emotion", "lang")
# Analyzers of a worker process (see :func:`analyse_columns`), by model and brand names.
_WORKER_ANALYZERS: dict[tuple[str | None, tuple[str, ...]], Analyzer] = {}


def _analyzer(model_dir: str | None, names: tuple[str, ...]) -> Analyzer:
    analyzer = Analyzer(load_bundle(Path(model_dir) if model_dir else None))
    analyzer.protect(list(names))
    return analyzer


def analyse_columns(
    model_dir: str | None,
    names: tuple[str, ...],
    texts: list[str],
    kinds: list[str | None],
    *,
    analyzer: Analyzer | None = None,
) -> dict[str, list[Any]]:
    """The enrichment columns (sentiment … language, without the keys) of ``texts``.

    Pure and picklable, so it runs in this process or in an analysis worker process
    (:class:`tinhieu.ingest.AfterIngest`); a worker keeps one Analyzer per model and
    brand names instead of building one per call."""
    if analyzer is None:
        key = (model_dir, names)
        analyzer = _WORKER_ANALYZERS.get(key)
        if analyzer is None:
            if len(_WORKER_ANALYZERS) >= 16:
                _WORKER_ANALYZERS.clear()
            analyzer = _WORKER_ANALYZERS[key] = _analyzer(model_dir, names)
    results = analyzer.analyse(texts, _TASKS, kinds=kinds, explain=False)
    return {
        "sentiment": [res["sentiment"]["label"] or "neutral" for res in results],
        "sentiment_score": [res["sentiment"]["prob"] for res in results],
        "aspects": [
            json.dumps(res["aspects"], ensure_ascii=False) if res["aspects"] else None
            for res in results
        ],
        "spam": [res["spam"]["label"] for res in results],
        "toxicity": [res["toxicity"]["label"] for res in results],
        "emotion": [res["emotion"]["label"] for res in results],
        "language": [
            res["lang"]["label"] if res["lang"]["label"] != "und" else None for res in results
        ],
    }


def warm_worker() -> None:
    """Load the shipped models in an analysis worker process before its first batch."""
    analyse_columns(None, (), ["khởi động"], [None])


def enrich(
    store: DuckDBStore,
    workspace: str,
    *,
    everything: bool = False,
    progress: Callable[[int], None] | None = None,
    seeding: bool = True,
    executor: Executor | None = None,
) -> EnrichResult:
    """Analyse the workspace's mentions that have no sentiment yet (all with ``everything``).

    Then seeding detection runs over the recent window (``seeding=False`` leaves it to
    the caller: the ingest worker runs it once a burst of ingests has settled, since it
    re-reads the whole window) and the analysts' corrections are applied again.

    With ``executor`` (a process pool) the analysis of each batch runs there, and this
    thread only reads and writes the store: the process serving requests keeps its
    interpreter for them. A broken pool raises; the rows stay unanalysed."""
    started = time.perf_counter()
    model_dir = workspace_model_dir(store, workspace)
    names = tuple(t.name for t in store.get_topics(workspace) if t.group in ("brand", "competitor"))
    local = (
        None if executor is not None else _analyzer(str(model_dir) if model_dir else None, names)
    )
    if everything:
        store.execute(
            "UPDATE mentions SET sentiment = NULL WHERE workspace = ? AND sentiment IS NOT NULL",
            [workspace],
        )
    done = 0
    while True:
        rows = store.fetch_all(
            "SELECT platform, source_id, title, text, kind FROM mentions "
            "WHERE workspace = ? AND sentiment IS NULL "
            "AND (text IS NOT NULL OR title IS NOT NULL) LIMIT ?",
            [workspace, BATCH],
        )
        if not rows:
            break
        args = (
            str(model_dir) if model_dir else None,
            names,
            [_text_of(r[2], r[3]) for r in rows],
            [r[4] for r in rows],
        )
        if executor is not None:
            columns = executor.submit(analyse_columns, *args).result()
        else:
            columns = analyse_columns(*args, analyzer=local)
        table = pa.table(
            {"platform": [r[0] for r in rows], "source_id": [r[1] for r in rows], **columns},
            schema=_COLUMNS,
        )
        store.update_enrichment(workspace, table)
        done += len(rows)
        if progress is not None:
            progress(done)
    seeded = mark_seeding(store, workspace) if done and seeding else 0
    corrected = apply_corrections(store, workspace)
    return EnrichResult(
        analysed=done,
        seeding=seeded,
        corrected=corrected,
        seconds=round(time.perf_counter() - started, 3),
        model=str(model_dir) if model_dir else "shipped",
    )


def is_campaign(sentiments: list[str | None], times: list[float | None]) -> bool:
    """Whether a cluster of near-duplicates looks like a seeding campaign rather than
    people repeating a common phrase: mostly praise, and posted in a burst (at least
    :data:`SEEDING_BURST_SHARE` of the copies within :data:`SEEDING_BURST_HOURS`)."""
    n = len(sentiments)
    if not n or sum(1 for s in sentiments if s == "positive") < SEEDING_PRAISE_SHARE * n:
        return False
    stamps = sorted(t for t in times if t is not None)
    if not stamps:
        return False
    window = SEEDING_BURST_HOURS * 3600.0
    best, lo = 0, 0
    for hi, t in enumerate(stamps):
        while t - stamps[lo] > window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best >= SEEDING_BURST_SHARE * n


def mark_seeding(store: DuckDBStore, workspace: str) -> int:
    """Mark near-duplicate praise posted by several accounts in the recent window."""
    from tinhieu.nlp.seeding import find_seeding

    newest = store.fetch_all(
        "SELECT max(created_at) FROM mentions WHERE workspace = ?", [workspace]
    )[0][0]
    if newest is None:
        return 0
    since = newest - timedelta(days=SEEDING_WINDOW_DAYS)
    rows = store.fetch_all(
        "SELECT platform, source_id, coalesce(author_id, author_name), title, text, "
        "sentiment, epoch(created_at) FROM mentions WHERE workspace = ? AND created_at >= ? "
        "AND (text IS NOT NULL OR title IS NOT NULL) AND coalesce(spam, 'none') IN "
        "('none', 'seeding')",
        [workspace, since],
    )
    clusters = find_seeding([_text_of(r[3], r[4]) for r in rows], [r[2] for r in rows])
    members = sorted(
        {
            m
            for cl in clusters
            if is_campaign([rows[m][5] for m in cl.members], [rows[m][6] for m in cl.members])
            for m in cl.members
        }
    )
    table = pa.table(
        {
            "platform": [rows[m][0] for m in members],
            "source_id": [rows[m][1] for m in members],
        },
        schema=pa.schema([("platform", pa.string()), ("source_id", pa.string())]),
    )
    with store.transaction():
        store.execute(
            "UPDATE mentions SET spam = 'none' WHERE workspace = ? AND spam = 'seeding' "
            "AND created_at >= ?",
            [workspace, since],
        )
        store.set_spam(workspace, table, "seeding")
    return len(members)


# --- corrections --------------------------------------------------------------------------


def _check_value(field: str, value: str) -> str:
    if field == "sentiment":
        try:
            return map_label("sentiment", value)
        except LabelError as exc:
            raise CorrectionError(str(exc)) from exc
    if field == "toxicity":
        try:
            return map_label("toxicity", value)
        except LabelError as exc:
            raise CorrectionError(str(exc)) from exc
    if field == "emotion":
        v = value.strip().lower()
        if v not in TASK_CLASSES["emotion"]:
            known = ", ".join(TASK_CLASSES["emotion"])
            raise CorrectionError(f"emotion: unknown value {value!r} (known: {known})")
        return v
    if field == "spam":
        v = value.strip().lower()
        if v not in SPAM_KINDS:
            raise CorrectionError(f"spam: unknown kind {value!r} (known: {', '.join(SPAM_KINDS)})")
        return v
    if field == "aspects":
        try:
            items = json.loads(value)
        except json.JSONDecodeError as exc:
            raise CorrectionError(f"aspects: not JSON ({exc.msg})") from exc
        if not isinstance(items, list) or not all(
            isinstance(a, dict)
            and isinstance(a.get("aspect"), str)
            and a.get("polarity") in ("positive", "negative", "neutral")
            for a in items
        ):
            raise CorrectionError(
                'aspects: expected a JSON list like [{"aspect": "price", "polarity": "negative"}]'
            )
        return json.dumps(
            [
                {"aspect": a["aspect"], "polarity": a["polarity"], "source": "analyst"}
                for a in items
            ],
            ensure_ascii=False,
        )
    raise CorrectionError(f"cannot correct {field!r} (correctable: {', '.join(CORRECTABLE)})")


def correct(
    store: DuckDBStore,
    workspace: str,
    platform: str,
    source_id: str,
    values: dict[str, str],
    *,
    by: str | None = None,
) -> int:
    """Store an analyst's corrections of one mention and apply them at once (the
    workspace's metrics rollup is dropped: metrics read the mentions until it is
    rebuilt)."""
    checked = {f: _check_value(f, v) for f, v in values.items()}
    if not checked:
        raise CorrectionError("nothing to correct")
    rows = store.fetch_all(
        "SELECT title, text FROM mentions WHERE workspace = ? AND platform = ? AND source_id = ?",
        [workspace, platform, source_id],
    )
    if not rows:
        raise CorrectionError(f"no mention {platform}/{source_id} in workspace {workspace!r}")
    text = _text_of(rows[0][0], rows[0][1])
    with store.transaction():
        for field, value in checked.items():
            store.execute(
                "DELETE FROM corrections WHERE workspace = ? AND platform = ? "
                "AND source_id = ? AND field = ?",
                [workspace, platform, source_id, field],
            )
            store.execute(
                "INSERT INTO corrections (workspace, platform, source_id, field, value, text, "
                "corrected_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [workspace, platform, source_id, field, value, text, by],
            )
    applied = apply_corrections(store, workspace)
    # The metrics rollup counted the old label and cannot see this change (a correction
    # changes no updated_at): forget it, so metrics scan until the next refresh.
    from tinhieu.metrics.rollup import drop_rollup

    drop_rollup(store, workspace)
    return applied


def apply_corrections(store: DuckDBStore, workspace: str) -> int:
    """Write every stored correction over the model's value; returns how many apply."""
    total = 0
    with store.transaction():
        for field in CORRECTABLE:
            extra = ", sentiment_score = 1.0" if field == "sentiment" else ""
            store.execute(
                f"UPDATE mentions SET {field} = c.value{extra} FROM corrections c "
                "WHERE c.workspace = mentions.workspace AND c.platform = mentions.platform "
                "AND c.source_id = mentions.source_id AND c.field = ? "
                "AND mentions.workspace = ?",
                [field, workspace],
            )
        row = store.fetch_all(
            "SELECT count(*) FROM corrections c JOIN mentions m USING (workspace, platform, "
            "source_id) WHERE c.workspace = ?",
            [workspace],
        )
        total = int(row[0][0])
    return total


def corrections(store: DuckDBStore, workspace: str) -> list[dict[str, Any]]:
    rows = store.fetch_all(
        "SELECT platform, source_id, field, value, text, corrected_by, created_at "
        "FROM corrections WHERE workspace = ? ORDER BY created_at, platform, source_id, field",
        [workspace],
    )
    keys = ("platform", "source_id", "field", "value", "text", "corrected_by", "created_at")
    return [dict(zip(keys, r, strict=True)) for r in rows]


# --- workspace models ---------------------------------------------------------------------


def retrain(
    store: DuckDBStore,
    workspace: str,
    out_dir: Path,
    *,
    data_dir: Path | None,
    seed: int = 13,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Train a workspace model from the corrections (plus the public data if given)."""
    from tinhieu.nlp.corpora import Example
    from tinhieu.nlp.train import TrainConfig, train

    fixes = corrections(store, workspace)
    extra: dict[str, list[Example]] = {}
    for c in fixes:
        if c["field"] in ("sentiment", "toxicity", "emotion") and c["text"]:
            extra.setdefault(c["field"], []).append(Example(c["text"], c["value"], {}, "workspace"))
        if c["field"] == "spam" and c["text"]:
            label = "no-spam" if c["value"] == "none" else "spam"
            extra.setdefault("spam", []).append(Example(c["text"], label, {}, "workspace"))
    if not extra:
        raise CorrectionError(
            f"workspace {workspace!r} has no text corrections of sentiment, spam, toxicity "
            "or emotion to learn from"
        )
    shipped = load_bundle(shipped_model_dir())
    tasks = tuple(t for t in ("sentiment", "toxicity", "emotion", "spam") if t in extra)
    cfg = TrainConfig(seed=seed, tasks=tasks, extra_train=extra)
    manifest = train(
        data_dir, out_dir, cfg, log, features=shipped.features, raw=shipped.raw, shape=shipped.shape
    )
    # heads not re-trained are the shipped ones, copied so the folder stands alone
    for name in shipped.heads:
        if name not in tasks:
            shipped.heads[name].save(out_dir / f"{name}.npz")
            manifest["heads"][name] = shipped.manifest["heads"].get(name, {})
    for extra_file in ("aspects.json",):
        src = shipped.path / extra_file
        if src.is_file():
            for f in shipped.path.glob("aspect*"):
                (out_dir / f.name).write_bytes(f.read_bytes())
    manifest["workspace"] = workspace
    manifest["corrections"] = len(fixes)
    manifest["trained_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    (out_dir / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    with store.transaction():
        store.execute("DELETE FROM nlp_models WHERE workspace = ?", [workspace])
        store.execute(
            "INSERT INTO nlp_models (workspace, path, corrections, report) VALUES (?, ?, ?, ?)",
            [workspace, str(out_dir.resolve()), len(fixes), json.dumps(manifest["heads"])],
        )
    return manifest
