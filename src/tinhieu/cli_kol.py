"""``tinhieu kol``: KOL discovery (``docs/kol.md``)."""

from __future__ import annotations

from pathlib import Path

import click

from tinhieu.cli_common import UserError, _echo_json, _lang, _open, store_options, user_errors


@click.group("kol")
def kol() -> None:
    """KOLs and influencers: discovery, audience quality, influence."""


@kol.command("find")
@click.option("--topic", required=True, help="A saved topic name, or a query.")
@click.option("--tier", default=None, help="Only this tier (nano, micro, macro, mega, …).")
@click.option("--platform", default=None, help="Only this platform.")
@click.option("--min-quality", type=float, default=None, help="Minimum quality score 0–100.")
@click.option(
    "--scheme", default="default", show_default=True, help="Tier scheme: default, industry."
)
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON with every part and formula.")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write .csv or .xlsx.")
@store_options
@user_errors
def find(
    topic: str,
    tier: str | None,
    platform: str | None,
    min_quality: float | None,
    scheme: str,
    limit: int,
    as_json: bool,
    out: str | None,
    db: str | None,
    workspace: str,
) -> None:
    """Rank the authors for a topic, with the reasons for each rank.

    \b
    tinhieu kol find --topic "Trà sữa & cà phê" --tier micro --min-quality 70
    tinhieu kol find --topic '"trà sữa" OR matcha*' --json
    """
    from tinhieu.i18n import t
    from tinhieu.kol.find import find_kols
    from tinhieu.metrics.tiers import scheme as get_scheme

    lang = _lang()
    try:
        tier_scheme = get_scheme(scheme)
    except ValueError:
        raise UserError(t("kol.find.bad_scheme", lang, name=scheme)) from None
    if out and Path(out).suffix.lower() not in (".csv", ".xlsx"):
        raise UserError(t("kol.find.bad_out", lang))
    with _open(db, must_exist=True) as store:
        try:
            ranked = find_kols(
                store,
                workspace,
                topic,
                tier=tier,
                platform=platform,
                min_quality=min_quality,
                tier_scheme=tier_scheme,
                limit=limit,
            )
        except ValueError as exc:
            if type(exc) is not ValueError:
                raise
            raise UserError(str(exc)) from exc
    if out:
        from tinhieu.kol.find import write_export

        n = write_export(Path(out), ranked)
        click.echo(t("kol.find.written", lang, n=n, path=out))
        return
    if as_json:
        _echo_json(
            {
                "topic": topic,
                "tier_scheme": tier_scheme.description,
                "results": [r.to_dict(lang) for r in ranked],
            }
        )
        return
    if not ranked:
        click.echo(t("kol.find.none", lang, topic=topic))
        return
    click.echo(t("kol.find.header", lang, topic=topic, n=len(ranked), scheme=tier_scheme.name))
    for r in ranked:
        flag = t("kol.find.inflated", lang) if r.quality.inflated else ""
        click.echo(
            t(
                "kol.find.line",
                lang,
                rank=r.rank,
                name=r.profile.name or r.profile.author_id,
                platform=r.profile.platform,
                score=r.influence.score,
                quality=r.quality.score,
                flag=flag,
            )
        )
        for reason in r.reasons(lang):
            click.echo(f"     - {reason}")
