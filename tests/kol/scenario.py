"""A small hand-written workspace: a genuine micro-KOL, a bought one, three pod KOLs
and authors with bad follower counts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.metrics.helpers import WS, add, mention, topics
from tinhieu.store import DuckDBStore

T0 = datetime(2025, 3, 1, 3, 0, tzinfo=UTC)
TOPIC = "Trà sữa"


def _post(author: str, i: int, followers: int | None, **kw: Any) -> dict[str, Any]:
    return mention(
        platform=kw.pop("platform", "facebook"),
        source_id=f"{author}-p{i}",
        author_id=author,
        author_name=author.upper(),
        author_followers=followers,
        created_at=T0 + timedelta(days=2 * i),
        topics=kw.pop("topics", [TOPIC]),
        **kw,
    )


def _comment(post: dict[str, Any], who: str, text: str, minutes: int, **kw: Any) -> dict[str, Any]:
    return mention(
        platform=post["platform"],
        source_id=f"{post['source_id']}-{who}",
        kind="comment",
        parent_id=post["source_id"],
        author_id=who,
        text=text,
        created_at=post["created_at"] + timedelta(minutes=minutes),
        **kw,
    )


def build(store: DuckDBStore) -> None:
    topics(store, {TOPIC: "category", "Lumi": "brand"})
    rows: list[dict[str, Any]] = []
    # genuine micro-KOL: ER ~2 %, varied comments from established accounts
    for i in range(6):
        p = _post(
            "genuine",
            i,
            50_000 + 100 * i,
            text=f"Review trà sữa matcha quán số {i} #trasua",
            likes=900,
            comments=80,
            shares=20,
        )
        rows.append(p)
        for j in range(8):
            rows.append(
                _comment(
                    p,
                    f"fan{j}",
                    f"Mình thử quán {i} rồi, vị {j} ngon lắm bạn ơi {i * j}",
                    200 + 37 * j,
                    author_followers=300 + j,
                    attrs=json.dumps({"author_joined": "2019-05-01"}),
                    sentiment="positive",
                )
            )
    # bought engagement: ER ~40 %, generic comments from young, empty accounts
    for i in range(6):
        p = _post(
            "bought",
            i,
            80_000,
            text=f"Trà sữa mới nè #ad #quangcao #LumiTea {i}",
            likes=32_000,
            comments=10,
            topics=[TOPIC, "Lumi"],
        )
        rows.append(p)
        for j in range(10):
            rows.append(
                _comment(
                    p,
                    f"bot{i}-{j}",
                    "Hay quáaa 👍",
                    5 + j,
                    author_followers=2,
                    attrs=json.dumps({"author_joined": "2025-02-20"}),
                )
            )
    # an engagement pod: the same accounts on three unrelated KOLs within minutes
    for k, subject in enumerate(("trà sữa đào", "du lịch Đà Lạt", "son môi")):
        for i in range(4):
            p = _post(
                f"pod{k}",
                i,
                40_000,
                text=f"Hôm nay {subject} số {i}",
                likes=1500,
                comments=12,
                topics=[TOPIC] if k == 0 else [],
            )
            rows.append(p)
            for j in range(8):
                rows.append(
                    _comment(
                        p, f"podder{j}", f"{subject} tuyệt vời {j}", 3 + j, author_followers=150
                    )
                )
    # bad follower counts, and one KOL on two platforms
    for author, followers in (("zero", 0), ("neg", -5), ("huge", 5 * 10**12), ("none", None)):
        rows.append(_post(author, 0, followers, text="trà sữa ngon", likes=10, comments=1))
    # one on-topic post, a bigger audience than "genuine", and nobody commenting: no habit
    # of the topic and no audience to judge, so it must not outrank "genuine"
    rows.append(_post("oneoff", 0, 120_000, text="Trà sữa matcha ngon", likes=2500, comments=40))
    rows.append(_post("twice", 0, 20_000, text="trà sữa facebook", likes=400, comments=20))
    rows.append(
        _post(
            "twice",
            1,
            90_000,
            platform="tiktok",
            kind="video",
            text="trà sữa tiktok",
            likes=3000,
            comments=50,
            views=60_000,
        )
    )
    add(store, rows)


__all__ = ["T0", "TOPIC", "WS", "build"]
