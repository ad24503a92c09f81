"""``tinhieu campaign``: KOL / hashtag campaigns and their reports (``docs/kol.md``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from tinhieu.cli_common import UserError, _echo_json, _lang, _open, store_options, user_errors
from tinhieu.i18n import register, t

register(
    {
        "campaign.added": ("Đã lưu chiến dịch «{name}».", "Saved campaign «{name}»."),
        "campaign.none": ("Chưa có chiến dịch nào.", "No campaigns yet."),
        "campaign.missing": ("Không có chiến dịch «{name}».", "No campaign named «{name}»."),
        "campaign.bad_cost": (
            "Chi phí KOL viết dạng platform:author_id=số tiền, không phải {value!r}",
            "A KOL cost is written platform:author_id=amount, not {value!r}",
        ),
        "campaign.bad_out": ("--out phải là tệp .xlsx", "--out must be a .xlsx file"),
        "campaign.written": ("Đã ghi báo cáo vào {path}", "Wrote the report to {path}"),
        "campaign.line": (
            "{name}: {since} → {until} · {kols} KOL · {tags} hashtag · {links} link"
            " · chi phí {cost}",
            "{name}: {since} → {until} · {kols} KOLs · {tags} hashtags · {links} links"
            " · cost {cost}",
        ),
        "campaign.header": (
            "Chiến dịch «{name}» ({since} → {until}): {posts} bài",
            "Campaign «{name}» ({since} → {until}): {posts} posts",
        ),
        "campaign.na": ("không có", "not available"),
        "campaign.unknown_kols": (
            "KOL không có trong workspace: {kols}",
            "KOLs with no mention in the workspace: {kols}",
        ),
        "campaign.sov": (
            "Share of voice «{brand}»: {campaign} so với {baseline} trước đó → {lift} điểm %",
            "Share of voice «{brand}»: {campaign} vs {baseline} before → {lift} pp",
        ),
        "campaign.sov_na": (
            "Share of voice: không có ({reason})",
            "Share of voice: n/a ({reason})",
        ),
    }
)


@click.group("campaign")
def campaign() -> None:
    """Campaigns: a set of KOLs and/or hashtags/links in a time window, with costs."""


def _kol_costs(values: tuple[str, ...]) -> dict[tuple[str, str], float]:
    from tinhieu.kol.campaigns import parse_kol

    out: dict[tuple[str, str], float] = {}
    for value in values:
        kol, sep, amount = value.rpartition("=")
        try:
            if not sep:
                raise ValueError(value)
            out[parse_kol(kol)] = float(amount)
        except ValueError:
            raise UserError(t("campaign.bad_cost", _lang(), value=value)) from None
    return out


@campaign.command("add")
@click.argument("name")
@click.option("--kol", "kols", multiple=True, help="platform:author_id (repeatable).")
@click.option("--hashtag", "hashtags", multiple=True, help="A hashtag, e.g. '#abc' (repeatable).")
@click.option("--link", "links", multiple=True, help="A link in the posts (repeatable).")
@click.option("--since", required=True, help="Start (inclusive): 2025-03-01 or a date and time.")
@click.option("--until", required=True, help="End: a date is inclusive (the whole day).")
@click.option("--cost", type=float, default=None, help="Total cost of the campaign.")
@click.option(
    "--kol-cost", "kol_costs", multiple=True, help="platform:author_id=amount (repeatable)."
)
@click.option("--brand", default=None, help="The brand topic for the share-of-voice lift.")
@click.option("--replace", is_flag=True, help="Replace a campaign of the same name.")
@store_options
@user_errors
def add(
    name: str,
    kols: tuple[str, ...],
    hashtags: tuple[str, ...],
    links: tuple[str, ...],
    since: str,
    until: str,
    cost: float | None,
    kol_costs: tuple[str, ...],
    brand: str | None,
    replace: bool,
    db: str | None,
    workspace: str,
) -> None:
    """Add a campaign.

    \b
    tinhieu campaign add "Tết 2026" --kol facebook:123 --hashtag '#abc' \\
        --since 2026-01-10 --until 2026-01-31 --cost 5000000
    """
    from zoneinfo import ZoneInfo

    from tinhieu.kol.campaigns import CampaignError, make_campaign, parse_kol, save_campaign
    from tinhieu.metrics.scope import parse_bound

    lang = _lang()
    costs = _kol_costs(kol_costs)
    with _open(db, must_exist=True) as store:
        zone = ZoneInfo(store.workspace_timezone(workspace))
        start, _ = parse_bound(since, zone, is_until=False)
        end, _ = parse_bound(until, zone, is_until=True)
        assert start is not None and end is not None
        try:
            members = [parse_kol(k) for k in kols]
            for key in costs:
                if key not in members:
                    members.append(key)
            c = make_campaign(
                workspace,
                name,
                start,
                end,
                kols=[(p, a, costs.get((p, a))) for p, a in members],
                hashtags=list(hashtags),
                links=list(links),
                cost=cost,
                brand=brand,
            )
            save_campaign(store, c, replace=replace)
        except CampaignError as exc:
            raise UserError(exc.message(lang)) from exc
    click.echo(t("campaign.added", lang, name=c.name))


@campaign.command("list")
@click.option("--json", "as_json", is_flag=True)
@store_options
@user_errors
def list_(as_json: bool, db: str | None, workspace: str) -> None:
    """List the workspace's campaigns."""
    from tinhieu.kol.campaigns import list_campaigns

    lang = _lang()
    with _open(db, must_exist=True) as store:
        found = list_campaigns(store, workspace)
    if as_json:
        _echo_json([c.to_dict() for c in found])
        return
    if not found:
        click.echo(t("campaign.none", lang))
    for c in found:
        total = c.total_cost()
        click.echo(
            t(
                "campaign.line",
                lang,
                name=c.name,
                since=c.since.isoformat(),
                until=c.until.isoformat(),
                kols=len(c.kols),
                tags=len(c.hashtags),
                links=len(c.links),
                cost=t("campaign.na", lang) if total is None else f"{total:,.0f}",
            )
        )


@campaign.command("report")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="JSON with every formula.")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write .xlsx.")
@store_options
@user_errors
def report_(name: str, as_json: bool, out: str | None, db: str | None, workspace: str) -> None:
    """Report a campaign: posts, reach, interactions, ER, quality ER, sentiment, aspects,
    share-of-voice lift, cost per (quality) engagement, vanity share."""
    from tinhieu.kol.campaigns import get_campaign, report

    lang = _lang()
    if out and Path(out).suffix.lower() != ".xlsx":
        raise UserError(t("campaign.bad_out", lang))
    with _open(db, must_exist=True) as store:
        c = get_campaign(store, workspace, name)
        if c is None:
            raise UserError(t("campaign.missing", lang, name=name))
        rep = report(store, c)
    data = rep.to_dict()
    if out:
        _write_xlsx(Path(out), data)
        click.echo(t("campaign.written", lang, path=out))
        return
    if as_json:
        _echo_json(data)
        return
    click.echo(
        t(
            "campaign.header",
            lang,
            name=c.name,
            since=c.since.isoformat(),
            until=c.until.isoformat(),
            posts=rep.posts,
        )
    )
    for key, m in rep.metrics.items():
        value = t("campaign.na", lang) + f" ({m.reason})" if m.value is None else f"{m.value:,.4g}"
        click.echo(f"  {key}: {value}   [{m.formula}]")
    sov = rep.share_of_voice
    if sov["lift_pp"] is None:
        click.echo(t("campaign.sov_na", lang, reason=sov["reason"]))
    else:
        click.echo(
            t(
                "campaign.sov",
                lang,
                brand=sov["brand"],
                campaign=f"{sov['campaign']:.1f}%",
                baseline=f"{sov['baseline']:.1f}%",
                lift=f"{sov['lift_pp']:+.1f}",
            )
        )
    if rep.unknown_kols:
        click.echo(t("campaign.unknown_kols", lang, kols=", ".join(rep.unknown_kols)))


def _write_xlsx(path: Path, data: dict[str, Any]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "metrics"
    ws.append(["metric", "value", "unit", "formula", "reason"])
    for key, m in data["metrics"].items():
        ws.append([key, m.get("value"), m.get("unit"), m["formula"], m.get("reason")])
    sov = data["share_of_voice"]
    ws.append(["share_of_voice_lift_pp", sov["lift_pp"], "pp", sov["formula"], sov["reason"]])
    kols = wb.create_sheet("kols")
    kols.append(["platform", "author_id", "posts", "interactions", "cost", "cost_per_engagement"])
    for k in data["kols"]:
        kols.append(
            [
                k["platform"],
                k["author_id"],
                k["posts"],
                (k.get("interactions") or {}).get("value"),
                k["cost"],
                (k.get("cost_per_engagement") or {}).get("value"),
            ]
        )
    aspects = wb.create_sheet("aspects")
    aspects.append(["aspect", "mentions", "positive", "negative", "net_sentiment"])
    for a in data["comment_aspects"]:
        aspects.append(
            [a["aspect"], a["mentions"], a["positive"], a["negative"], a["net_sentiment"]]
        )
    wb.save(path)
