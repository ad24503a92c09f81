"""Authors aggregated from mentions: numbers against direct SQL, authors without a
follower count, keyset pages, filters, isolation and the Authors page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, XSS_AUTHOR, WebWorld, bearer
from tinhieu.accounts import add_user, create_token
from tinhieu.schema import ARROW_SCHEMA
from tinhieu.web.authors import SORTS, AuthorFilters, author_page

API = "/api/v1"
WS = "t5-authors"
# interactions written out by hand (not the module's SQL), to check it
IX = "coalesce(likes, 0) + coalesce(comments, 0) + coalesce(shares, 0) + coalesce(saves, 0)"
KNOWN = "(likes IS NOT NULL OR comments IS NOT NULL OR shares IS NOT NULL OR saves IS NOT NULL)"


def _row(source_id: str, platform: str, author_id: str, **values: Any) -> dict[str, Any]:
    at = values.pop("at", datetime.now(UTC) - timedelta(days=1))
    row: dict[str, Any] = {name: None for name in ARROW_SCHEMA.names}
    row.update(
        workspace=WS, platform=platform, source_id=source_id, kind="post", author_id=author_id,
        text=f"bài {source_id}", created_at=at, collected_at=at, topics=[], first_seen_at=at,
        updated_at=at,
    )  # fmt: skip
    row.update(values)
    return row


@pytest.fixture(scope="module")
def crafted(web_store: Any) -> dict[str, str]:
    """A workspace of its own with authors whose figures are known by hand."""
    old = datetime.now(UTC) - timedelta(days=5)
    rows = [
        # followers reported as 0: tier unknown, engagement rate not available
        _row("z1", "facebook", "a-zero", author_name="Zero", author_followers=0, likes=10),
        _row(
            "z2",
            "facebook",
            "a-zero",
            author_name="Zero",
            author_followers=0,
            likes=5,
            comments=0,
            sentiment="negative",
        ),
        # nothing reported at all
        _row("n1", "facebook", "a-null", author_name="Nobody"),
        # a KOL whose follower count and name changed: the newest one counts
        _row(
            "k1",
            "tiktok",
            "a-kol",
            kind="video",
            author_name="Old Name",
            author_followers=20_000,
            likes=1000,
            comments=100,
            at=old,
            sentiment="positive",
        ),
        _row(
            "k2",
            "tiktok",
            "a-kol",
            kind="video",
            author_name="Nguyễn Đức KOL",
            author_followers=50_000,
            likes=500,
            sentiment="negative",
        ),
        _row(
            "k3",
            "tiktok",
            "a-kol",
            kind="comment",
            author_name="Nguyễn Đức KOL",
            author_followers=None,
            likes=7,
            sentiment="positive",
        ),
        # comments only: no posts, so no engagement rate
        *[
            _row(
                f"c{i}",
                "facebook",
                "a-cmt",
                kind="comment",
                author_name="Cmt",
                author_followers=100,
                likes=i,
            )
            for i in range(3)
        ],
        # no author id: not an author
        _row("x1", "news", None, author_name="Anon", kind="article"),
    ]
    web_store.ensure_workspace(WS)
    web_store.upsert_mentions(pa.Table.from_pylist(rows, schema=ARROW_SCHEMA))
    add_user(web_store, "t5-authors", PASSWORD, workspace=WS, role="viewer")
    return {"Authorization": "Bearer " + create_token(web_store, "t5-authors", WS, "t")[1]}


def by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["author_id"]: i for i in items}


def test_known_authors(crafted: dict[str, str], anonymous: TestClient) -> None:
    r = anonymous.get(f"{API}/authors", headers=crafted)
    assert r.status_code == 200, r.text
    body = r.json()
    items = by_id(body["items"])
    assert set(items) == {"a-zero", "a-null", "a-kol", "a-cmt"}
    assert body["next_cursor"] is None
    assert (
        "followers" in body["tier_scheme"]
        and "Σ interactions" in body["formulas"]["engagement_rate"]
    )
    zero, null, kol, cmt = items["a-zero"], items["a-null"], items["a-kol"], items["a-cmt"]
    assert zero["followers"] == 0 and zero["tier"] == "unknown"
    assert zero["engagement_rate"] is None and zero["engagement_rate_reason"]
    assert zero["interactions"] == 15 and zero["posts"] == 2 and zero["mentions"] == 2
    assert zero["net_sentiment"] == -100.0
    assert null["followers"] is None and null["tier"] == "unknown"
    assert null["interactions"] is None and null["engagement_rate"] is None
    assert null["net_sentiment"] is None and null["net_sentiment_reason"]
    assert kol["name"] == "Nguyễn Đức KOL" and kol["followers"] == 50_000 and kol["tier"] == "micro"
    assert kol["mentions"] == 3 and kol["posts"] == 2 and kol["interactions"] == 1607
    assert kol["engagement_rate"] == pytest.approx((1100 + 500) / (20_000 + 50_000) * 100)
    assert kol["net_sentiment"] == pytest.approx((2 - 1) / 3 * 100)
    assert cmt["tier"] == "nano" and cmt["posts"] == 0 and cmt["engagement_rate"] is None
    # sorting: missing values last, never an error
    for sort in SORTS:
        r = anonymous.get(f"{API}/authors", params={"sort": sort}, headers=crafted)
        assert r.status_code == 200

    def order(sort: str) -> list[str]:
        r = anonymous.get(f"{API}/authors", params={"sort": sort}, headers=crafted)
        return [i["author_id"] for i in r.json()["items"]]

    assert order("engagement")[0] == "a-kol"
    assert order("followers")[:3] == ["a-kol", "a-cmt", "a-zero"]
    assert order("followers")[-1] == "a-null"
    unknown = anonymous.get(f"{API}/authors", params={"tier": "unknown"}, headers=crafted).json()
    assert {i["author_id"] for i in unknown["items"]} == {"a-zero", "a-null"}
    found = anonymous.get(f"{API}/authors", params={"q": "nguyen duc"}, headers=crafted).json()
    assert [i["author_id"] for i in found["items"]] == ["a-kol"]


def test_aggregates_match_direct_sql(
    world: WebWorld, anonymous: TestClient, web_store: Any
) -> None:
    items = anonymous.get(
        f"{API}/authors",
        params={"limit": 5, "sort": "interactions"},
        headers=bearer(world, "viewer"),
    ).json()["items"]
    items += anonymous.get(
        f"{API}/authors", params={"limit": 3}, headers=bearer(world, "viewer")
    ).json()["items"]
    assert len(items) == 8
    for a in items:
        row = web_store.fetch_all(
            "SELECT count(*), count(*) FILTER (WHERE kind IN ('post', 'video', 'article')), "
            f"sum({IX}) FILTER (WHERE {KNOWN}), "
            "count(*) FILTER (WHERE sentiment = 'positive'), "
            "count(*) FILTER (WHERE sentiment = 'negative') "
            "FROM mentions WHERE workspace = 'default' AND platform = ? AND author_id = ?",
            [a["platform"], a["author_id"]],
        )[0]
        mentions, posts, interactions, pos, neg = row
        assert (a["mentions"], a["posts"], a["interactions"]) == (mentions, posts, interactions)
        if pos + neg:
            assert a["net_sentiment"] == pytest.approx((pos - neg) / (pos + neg) * 100)
        latest = web_store.fetch_all(
            "SELECT author_followers FROM mentions WHERE workspace = 'default' AND platform = ? "
            "AND author_id = ? AND author_followers IS NOT NULL "
            "ORDER BY created_at DESC, source_id DESC LIMIT 1",
            [a["platform"], a["author_id"]],
        )
        assert a["followers"] == (latest[0][0] if latest else None)
        er = web_store.fetch_all(
            f"SELECT sum({IX}), "
            "sum(author_followers) FROM mentions WHERE workspace = 'default' AND platform = ? "
            "AND author_id = ? AND kind IN ('post', 'video', 'article') AND author_followers > 0 "
            f"AND {KNOWN}",
            [a["platform"], a["author_id"]],
        )[0]
        if er[1]:
            assert a["engagement_rate"] == pytest.approx(er[0] / er[1] * 100)
        else:
            assert a["engagement_rate"] is None
        topics = {
            r[0]
            for r in web_store.fetch_all(
                "SELECT DISTINCT unnest(topics) FROM mentions WHERE workspace = 'default' "
                "AND platform = ? AND author_id = ?",
                [a["platform"], a["author_id"]],
            )
        }
        assert set(a["topics"]) == topics


@pytest.mark.parametrize("sort", SORTS)
def test_keyset_pages_have_no_duplicates_or_gaps(sort: str, web_store: Any) -> None:
    everyone = {
        (str(p), str(a))
        for p, a in web_store.fetch_all(
            "SELECT DISTINCT platform, author_id FROM mentions "
            "WHERE workspace = 'default' AND author_id IS NOT NULL"
        )
    }
    seen: list[tuple[str, str]] = []
    cursor = None
    pages = 0
    while True:
        page = author_page(web_store, "default", AuthorFilters(sort=sort), cursor=cursor, limit=173)
        seen += [(i["platform"], i["author_id"]) for i in page.items]
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages > 5
    assert len(seen) == len(set(seen)) == len(everyone)
    assert set(seen) == everyone


def test_pages_through_the_api_are_ordered(world: WebWorld, anonymous: TestClient) -> None:
    h = bearer(world, "viewer")
    first = anonymous.get(
        f"{API}/authors", params={"sort": "followers", "limit": 20}, headers=h
    ).json()
    second = anonymous.get(
        f"{API}/authors", params={"sort": "followers", "limit": 20, "cursor": first["next_cursor"]},
        headers=h,
    ).json()  # fmt: skip
    values = [(i["followers"] or -1) for i in first["items"] + second["items"]]
    assert values == sorted(values, reverse=True)
    assert not {i["author_id"] for i in first["items"]} & {i["author_id"] for i in second["items"]}
    assert (
        anonymous.get(f"{API}/authors", params={"cursor": "nonsense"}, headers=h).status_code == 400
    )
    assert anonymous.get(f"{API}/authors", params={"limit": 0}, headers=h).status_code == 422
    assert anonymous.get(f"{API}/authors", params={"tier": "giga"}, headers=h).status_code == 422


def test_filters(world: WebWorld, anonymous: TestClient, web_store: Any) -> None:
    h = bearer(world, "viewer")
    mega = anonymous.get(f"{API}/authors", params={"tier": "mega", "limit": 200}, headers=h).json()[
        "items"
    ]
    assert mega and all(i["tier"] == "mega" and i["followers"] >= 1_000_000 for i in mega)
    tiktok = anonymous.get(f"{API}/authors", params={"platform": "tiktok"}, headers=h).json()[
        "items"
    ]
    assert tiktok and all(i["platform"] == "tiktok" for i in tiktok)
    topic = anonymous.get(
        f"{API}/authors", params={"topic": "Gác Cà Phê", "limit": 200}, headers=h
    ).json()["items"]
    expected = web_store.fetch_all(
        "SELECT count(DISTINCT (platform, author_id)) FROM mentions WHERE workspace = 'default' "
        "AND author_id IS NOT NULL AND list_contains(topics, 'Gác Cà Phê')"
    )[0][0]
    assert 0 < len(topic) == min(expected, 200)
    assert all("Gác Cà Phê" in i["topics"] for i in topic)


def test_other_workspace_authors_are_invisible(world: WebWorld, anonymous: TestClient) -> None:
    items = anonymous.get(
        f"{API}/authors", params={"limit": 200}, headers=bearer(world, "eve")
    ).json()["items"]
    assert items and all(i["author_id"].startswith("u-other-") for i in items)
    mine = anonymous.get(
        f"{API}/authors", params={"q": "u-other", "limit": 200}, headers=bearer(world, "admin")
    ).json()["items"]
    assert mine == []


def test_authors_page(viewer: TestClient) -> None:
    page = viewer.get("/authors", params={"platform": "facebook", "q": "kẻ xấu"})
    assert page.status_code == 200
    assert XSS_AUTHOR not in page.text
    assert "&lt;b onmouseover=" in page.text
    full = viewer.get("/authors")
    assert full.status_code == 200 and 'id="authors-next"' in full.text
    assert 'class="table-wrap"' in full.text and "Σ interactions / Σ author_followers" in full.text
    assert viewer.get("/authors", params={"sort": "evil"}).status_code == 400
    assert viewer.get("/authors", params={"cursor": "%%%"}).status_code == 400
