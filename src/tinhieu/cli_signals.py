"""``tinhieu signals``: early-warning signals, and the NAB benchmark table."""

from __future__ import annotations

from pathlib import Path

import click

from tinhieu.cli_common import UserError, _echo_json, _lang
from tinhieu.i18n import t


@click.group("signals")
def signals() -> None:
    """Early warning: spikes, sentiment shifts, emerging aspects and terms."""


@signals.command("nab")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False),
    default="../shared/data/nab",
    show_default=True,
    help="The NAB data folder (data/, labels/, config/, results/).",
)
@click.option("--subset", default="realTweets", show_default=True, help="NAB data subset.")
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
def nab_cmd(data_dir: str, subset: str, as_json: bool) -> None:
    """Score tinhieu's spike detector and the published detectors on NAB, in one table."""
    from tinhieu.signals.nab import PROFILES, benchmark_table

    root = Path(data_dir)
    if not (root / "data" / subset).is_dir():
        raise UserError(f"{root / 'data' / subset}: not a NAB data folder")
    rows = benchmark_table(root, subset)
    if as_json:
        _echo_json(
            {
                "subset": subset,
                "rows": [
                    {
                        "detector": r.detector,
                        "threshold": r.threshold,
                        "st_error": r.st_error,
                        **{
                            p: {
                                "score": round(s.score, 2),
                                "raw": round(s.raw, 4),
                                "tp": s.tp,
                                "fp": s.fp,
                                "fn": s.fn,
                            }
                            for p, s in r.scores.items()
                        },
                    }
                    for r in rows
                ],
            }
        )
        return
    lang = _lang()
    click.echo(t("nab.title", lang, subset=subset))
    head = f"{t('nab.detector', lang):<18}" + "".join(f"{p:>20}" for p in PROFILES)
    head += f"{'TP/FP/FN':>14}{t('nab.st_error', lang):>14}"
    click.echo(head)
    for r in rows:
        std = r.scores["standard"]
        err = "—" if r.st_error is None else f"{r.st_error:.1e}"
        line = f"{r.detector:<18}" + "".join(f"{r.scores[p].score:>20.1f}" for p in PROFILES)
        line += f"{f'{std.tp}/{std.fp}/{std.fn}':>14}{err:>14}"
        click.echo(line)
    click.echo(t("nab.note", lang))
