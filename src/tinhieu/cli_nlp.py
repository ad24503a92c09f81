"""``tinhieu nlp``: predict, evaluate, train, correct and retrain the language models."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from tinhieu.cli_common import UserError, _lang, _open, store_options, user_errors
from tinhieu.i18n import number, t


@click.group()
def nlp() -> None:
    """Language models: sentiment, aspects, spam, toxicity, emotion, language."""


@nlp.command("predict")
@click.option(
    "--tasks",
    default=None,
    help="Comma-separated: sentiment,aspects,spam,toxicity,lang,emotion,keywords "
    "(default: all but keywords).",
)
@click.option(
    "--model",
    "model_dir",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="A model folder (default: the shipped models).",
)
@click.option("--batch", default=512, show_default=True, help="Texts analysed together.")
@click.option("--no-explain", is_flag=True, help="Leave out the sentiment cues (faster).")
def predict(tasks: str | None, model_dir: str | None, batch: int, no_explain: bool) -> None:
    """Read JSONL {"text": …} on stdin, write one JSON object per line with the predictions.

    An input line that is not a JSON object gets {"error": …} on its output line; the
    other lines are still analysed. An "author" field, when present, lets the batch be
    checked for seeding (the same praise from several accounts); a "kind" field
    (post, comment, review …) limits the review-spam model to reviews.
    """
    from tinhieu.nlp.analyse import Analyzer, TaskError, parse_tasks
    from tinhieu.nlp.bundle import ModelMissingError, load_bundle

    try:
        wanted = parse_tasks(tasks)
        analyzer = Analyzer(load_bundle(Path(model_dir) if model_dir else None))
    except (TaskError, ModelMissingError) as exc:
        raise UserError(str(exc)) from exc
    out = sys.stdout
    pending: list[tuple[int, dict[str, Any] | None, str | None]] = []

    def flush() -> None:
        good = [(row, err) for _, row, err in pending if row is not None]
        texts = [row.get("text") for row, _ in good]
        has_author = any("author" in row for row, _ in good)
        authors = [_author(row) for row, _ in good] if has_author else None
        has_kind = any("kind" in row for row, _ in good)
        kinds = [str(row["kind"]) if row.get("kind") else None for row, _ in good]
        results = iter(
            analyzer.analyse(
                texts,
                wanted,
                authors=authors,
                kinds=kinds if has_kind else None,
                explain=not no_explain,
            )
        )
        for _, row, err in pending:
            if row is None:
                out.write(json.dumps({"error": err}, ensure_ascii=False) + "\n")
            else:
                merged = dict(row)
                merged.update(next(results))
                out.write(json.dumps(merged, ensure_ascii=False) + "\n")
        out.flush()
        pending.clear()

    for n, raw in enumerate(sys.stdin.buffer, 1):
        line = raw.decode("utf-8", errors="replace")  # invalid UTF-8 becomes U+FFFD
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            pending.append((n, None, f"line {n}: not JSON ({exc.msg})"))
        else:
            if isinstance(value, dict):
                pending.append((n, value, None))
            elif isinstance(value, str):
                pending.append((n, {"text": value}, None))
            else:
                pending.append((n, None, f"line {n}: expected an object with a 'text' field"))
        if len(pending) >= max(1, batch):
            flush()
    if pending:
        flush()


def _author(row: dict[str, Any]) -> str | None:
    value = row.get("author")
    if isinstance(value, dict):
        value = value.get("id") or value.get("name")
    return None if value is None else str(value)


@nlp.command("eval")
@click.option(
    "--task",
    required=True,
    type=click.Choice(["sentiment", "spam", "spam-type", "toxicity", "lang", "emotion", "aspects"]),
)
@click.option("--data", "data", required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--model", "model_dir", type=click.Path(file_okay=False, exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def eval_cmd(task: str, data: str, model_dir: str | None, as_json: bool) -> None:
    """Score a model on a labelled JSONL file (text, label in the data set's own names)."""
    from tinhieu.nlp.bundle import ModelMissingError, load_bundle
    from tinhieu.nlp.corpora import DataError
    from tinhieu.nlp.evaluate import evaluate, read_labelled

    lang = _lang()
    try:
        bundle = load_bundle(Path(model_dir) if model_dir else None)
        labelled = read_labelled(Path(data), task)
        report = evaluate(bundle, task, labelled)
    except (DataError, ModelMissingError) as exc:
        raise UserError(str(exc)) from exc
    report = {"task": task, "data": data, **report}
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    click.echo(render_report(report, lang))


def render_report(report: dict[str, Any], lang: str) -> str:
    """The eval report as a text table (per-class P/R/F1 and the confusion matrix)."""
    lines = [t("nlp.eval.head", lang, task=report["task"], n=number(report["n"], lang))]
    if report["task"] == "aspects":
        for level in ("aspect", "aspect_polarity"):
            r = report[level]
            lines.append(
                f"{level:<16} micro-P {100 * r['micro_precision']:6.2f}  "
                f"micro-R {100 * r['micro_recall']:6.2f}  micro-F1 {100 * r['micro_f1']:6.2f}  "
                f"macro-F1 {100 * r['macro_f1']:6.2f}"
            )
        return "\n".join(lines)
    lines.append(
        f"{t('nlp.eval.accuracy', lang)}: {100 * report['accuracy']:.2f}   "
        f"macro-F1: {100 * report['macro_f1']:.2f}   "
        f"weighted-F1: {100 * report['weighted_f1']:.2f}"
    )
    labels = report["labels"]
    width = max(10, *(len(c) for c in labels))
    lines.append("")
    lines.append(f"{'':<{width}}  {'P':>6}  {'R':>6}  {'F1':>6}  {'n':>6}")
    for c, r in report["per_class"].items():
        lines.append(
            f"{c:<{width}}  {100 * r['precision']:6.2f}  {100 * r['recall']:6.2f}  "
            f"{100 * r['f1']:6.2f}  {r['support']:>6}"
        )
    lines.append("")
    lines.append(t("nlp.eval.confusion", lang))
    lines.append(" " * width + "  " + "  ".join(f"{c[:8]:>8}" for c in labels))
    for c, row in zip(labels, report["confusion"], strict=True):
        lines.append(f"{c:<{width}}  " + "  ".join(f"{v:>8}" for v in row))
    return "\n".join(lines)


@nlp.command("train")
@click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False),
    default=None,
    help="The shared/data folder (default: $TINHIEU_DATA or ./shared/data, ../shared/data).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    default="tinhieu-models",
    show_default=True,
    help="Where to write the model folder.",
)
@click.option("--seed", default=13, show_default=True)
@click.option("--tasks", default=None, help="Comma-separated subset (default: all).")
@click.option("--limit", default=0, help="Only the first N rows of each split (quick trial).")
def train_cmd(data: str | None, out: str, seed: int, tasks: str | None, limit: int) -> None:
    """Re-train the models from the public data's train/dev splits (deterministic by seed)."""
    from tinhieu.nlp.aspects import train_aspects
    from tinhieu.nlp.cards import write_model_card
    from tinhieu.nlp.corpora import DataError, find_data_dir
    from tinhieu.nlp.train import TRAINABLE, TrainConfig, train

    names = tuple(s.strip() for s in tasks.split(",")) if tasks else (*TRAINABLE, "aspects")
    unknown = [n for n in names if n not in (*TRAINABLE, "aspects")]
    if unknown:
        raise UserError(f"unknown task(s): {', '.join(unknown)}")
    try:
        data_dir = find_data_dir(Path(data) if data else None)
        cfg = TrainConfig(
            seed=seed,
            tasks=tuple(n for n in names if n != "aspects"),
            limit=limit,
            vocab_folders=("uit_visfd",) if "aspects" in names else (),
        )
        out_dir = Path(out)
        manifest = train(data_dir, out_dir, cfg, log=lambda m: click.echo(m, err=True))
        if "aspects" in names:
            from tinhieu.nlp.features import FeatureSpace

            fs = FeatureSpace.load(out_dir / "features.npz")
            manifest["heads"]["aspects"] = train_aspects(
                data_dir,
                fs,
                out_dir,
                seed=seed,
                log=lambda m: click.echo(m, err=True),
                limit=limit,
            )
            (out_dir / "manifest.json").write_text(
                json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                encoding="utf-8",
            )
        write_model_card(out_dir, manifest)
    except DataError as exc:
        raise UserError(str(exc)) from exc
    click.echo(t("nlp.trained", _lang(), path=out, seconds=manifest.get("seconds", 0)))


@nlp.command("correct")
@click.argument("platform")
@click.argument("source_id")
@click.option("--sentiment", default=None, help="positive, neutral or negative.")
@click.option("--spam", default=None, help="none, ad, giveaway, seeding, junk, …")
@click.option(
    "--aspects", default=None, help='JSON, e.g. [{"aspect":"price","polarity":"negative"}]'
)
@click.option("--toxicity", default=None, help="CLEAN, OFFENSIVE or HATE.")
@click.option("--emotion", default=None)
@click.option("--by", default=None, help="Who corrected (kept with the correction).")
@store_options
@user_errors
def correct_cmd(
    platform: str,
    source_id: str,
    sentiment: str | None,
    spam: str | None,
    aspects: str | None,
    toxicity: str | None,
    emotion: str | None,
    by: str | None,
    db: str | None,
    workspace: str,
) -> None:
    """Correct a mention's labels; a correction always wins over the model."""
    from tinhieu.nlp.pipeline import CorrectionError, correct

    values = {
        k: v
        for k, v in {
            "sentiment": sentiment,
            "spam": spam,
            "aspects": aspects,
            "toxicity": toxicity,
            "emotion": emotion,
        }.items()
        if v is not None
    }
    with _open(db, must_exist=True) as store:
        try:
            total = correct(store, workspace, platform, source_id, values, by=by)
        except CorrectionError as exc:
            raise UserError(str(exc)) from exc
    click.echo(t("nlp.corrected", _lang(), fields=", ".join(values), total=total))


@nlp.command("enrich")
@click.option("--all", "everything", is_flag=True, help="Re-analyse every mention.")
@store_options
@user_errors
def enrich_cmd(everything: bool, db: str | None, workspace: str) -> None:
    """Analyse the mentions that have not been analysed yet (import does this itself)."""
    from tinhieu.api import Workspace

    with _open(db, must_exist=True) as store:
        ws = Workspace(store, workspace)
        res = ws.enrich(everything=everything)
    lang = _lang()
    click.echo(
        t(
            "nlp.enriched",
            lang,
            rows=number(res.analysed, lang),
            seeding=number(res.seeding, lang),
            corrected=number(res.corrected, lang),
            seconds=res.seconds,
        )
    )


@nlp.command("retrain")
@click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False),
    default=None,
    help="Public data to train beside the corrections (default: found as for train).",
)
@click.option("--no-public", is_flag=True, help="Train on the workspace's corrections only.")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    default=None,
    help="Model folder (default: beside the store, <db>.models/<workspace>).",
)
@click.option("--seed", default=13, show_default=True)
@store_options
@user_errors
def retrain_cmd(
    data: str | None,
    no_public: bool,
    out: str | None,
    seed: int,
    db: str | None,
    workspace: str,
) -> None:
    """Fold the workspace's corrections into a workspace model, then re-analyse with it."""
    from tinhieu.api import Workspace
    from tinhieu.nlp.corpora import DataError, find_data_dir
    from tinhieu.nlp.pipeline import CorrectionError, retrain
    from tinhieu.store import default_db_path

    lang = _lang()
    try:
        data_dir = None if no_public else find_data_dir(Path(data) if data else None)
    except DataError as exc:
        raise UserError(str(exc) + " (or pass --no-public)") from exc
    path = Path(out) if out else Path(f"{db or default_db_path()}.models") / workspace
    with _open(db, must_exist=True) as store:
        try:
            manifest = retrain(
                store,
                workspace,
                path,
                data_dir=data_dir,
                seed=seed,
                log=lambda m: click.echo(m, err=True),
            )
        except (CorrectionError, DataError) as exc:
            raise UserError(str(exc)) from exc
        res = Workspace(store, workspace).enrich(everything=True)
    click.echo(
        t(
            "nlp.retrained",
            lang,
            path=str(path),
            corrections=number(int(manifest["corrections"]), lang),
            rows=number(res.analysed, lang),
        )
    )
