"""Collection benchmark: 100k+ items from local fake platform servers, with injected
429s and 500s, through the real connectors and the store.

    .venv/bin/python bench/bench_collect.py                 # ~115k items
    .venv/bin/python bench/bench_collect.py --scale 0.2     # quicker

Every API connector takes part, each against the loopback stand-in of its tests
(``tests/sources/connectors/fake_*.py``):

- Facebook: a Graph API page pair (posts, comments, replies; 100 a page);
- YouTube: a Data API channel set (search, videos, channels, comment threads, replies);
- TikTok: the Research API (client token, POST video query in a 30-day window with
  ``cursor``/``search_id``, POST comment lists; 100 a page);
- Reddit: an app token, two subreddits' ``new`` listings (100 a page) and each post's
  comment tree (comments and replies);
- X: API v2 recent search (100 posts a page, ``next_token``);
- feeds: a news RSS feed whose articles are fetched and extracted.

Each server sits behind :class:`Faulty`: every ``--fault-every``-th request (token
requests and POSTs included) answers 429 in the platform's own shape with
``Retry-After: 0`` (X: ``x-rate-limit-reset`` now, as X sends it), and every
``--fault-every + 13``-th answers an HTML 500, before the real answer. The run collects
each source once (``tinhieu.sources.connectors.collect``, NLP off: this measures
collection), then checks, overall and per source, that the stored ids equal the ids the
servers served and the ids the generators made, exactly, that no key is stored twice and
that no source failed.

Prints a summary and writes ``bench/results/collect.json`` (items per second overall and
per source, requests, retries, injected faults).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # the fake servers live with the tests


def _graph_429() -> tuple[Any, dict[str, str]]:
    return {"error": {"message": "slow down", "code": 429}}, {}


def _tiktok_429() -> tuple[Any, dict[str, str]]:
    error = {"code": "rate_limit_exceeded", "message": "Too many requests", "log_id": "B1"}
    return {"data": {}, "error": error}, {}


def _reddit_429() -> tuple[Any, dict[str, str]]:
    return {"message": "Too Many Requests", "error": 429}, {}


def _x_429() -> tuple[Any, dict[str, str]]:
    body = {"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429}
    return body, {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(time.time()))}


class Faulty:
    """Wraps an app: every ``every``-th request gets a 429 (``throttled()`` gives its
    body and headers, ``Retry-After: 0`` added), every ``every + 13``-th an HTML 500.
    Any request goes through it, GET or POST (a ``PostReq`` is passed on untouched)."""

    def __init__(
        self,
        app: Any,
        every: int,
        throttled: Callable[[], tuple[Any, dict[str, str]]] = _graph_429,
    ) -> None:
        self.app, self.every, self.n = app, every, 0
        self.throttled = throttled
        self.injected = {"429": 0, "500": 0}

    def __call__(self, req: Any) -> Any:
        from tests.sources.connectors.servers import Resp

        self.n += 1
        if self.every and self.n % self.every == 0:
            self.injected["429"] += 1
            body, headers = self.throttled()
            return Resp(429, body, {"Retry-After": "0", **headers})
        if self.every and self.n % (self.every + 13) == 0:
            self.injected["500"] += 1
            return Resp(500, "<html>Internal Server Error</html>")
        return self.app(req)


ROW_KEYS = ("name", "status", "fetched", "inserted", "requests", "retries", "quota_used", "seconds")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--fault-every", type=int, default=40)
    parser.add_argument("--out", default=str(RESULTS / "collect.json"))
    args = parser.parse_args()

    from tests.sources.connectors import fake_reddit, fake_tiktok, fake_x
    from tests.sources.connectors.fake_feeds import FeedsApp
    from tests.sources.connectors.fake_graph import TOKEN, GraphApp, make_page
    from tests.sources.connectors.fake_youtube import KEY, YouTubeApp, ids, make_videos
    from tests.sources.connectors.posting import PostServer
    from tests.sources.connectors.servers import FakeServer

    from tinhieu.sources.connectors.collect import collect
    from tinhieu.sources.connectors.config import parse_config
    from tinhieu.store import DuckDBStore

    def n(base: int, least: int = 10) -> int:
        return max(least, int(base * args.scale))

    # volumes at --scale 1: Facebook ~50k, YouTube ~20k, TikTok, Reddit, X ~15k each,
    # 500 news articles
    posts = n(700)
    pages = [
        make_page("1001", posts=posts, comments=20),
        make_page("2002", posts=posts, comments=20),
    ]
    videos = make_videos(n(340), threads=40)
    for i, v in enumerate(videos):
        v.channel = f"UCchan{i % 3}"
    tiktok_videos = fake_tiktok.make_videos(n(700), comments=40)
    reddit_posts = fake_reddit.make_posts(n(360), "vietnam", comments=20)
    reddit_posts += fake_reddit.make_posts(n(360), "vnexpress", comments=20)
    tweets = fake_x.make_tweets(n(15000), step=timedelta(seconds=10))
    graph, youtube = GraphApp(pages), YouTubeApp(videos)
    tiktok = fake_tiktok.TikTokApp(tiktok_videos, page=100, comment_page=100)
    reddit = fake_reddit.RedditApp(reddit_posts, page=100)
    x = fake_x.XApp(tweets)
    feeds = FeedsApp(news=n(500, 5), forum=0)
    feeds.missing_articles = set()
    every = args.fault_every
    apps = {
        "graph": Faulty(graph, every),
        "youtube": Faulty(youtube, every),
        "tiktok": Faulty(tiktok, every, _tiktok_429),
        "reddit": Faulty(reddit, every, _reddit_429),
        "x": Faulty(x, every, _x_429),
        "feeds": Faulty(feeds, every),
    }
    http = {
        "timeout": 30,
        "attempts": 6,
        "initial_wait": 0.001,
        "max_wait": 0.01,
        "jitter": 0.001,
        "max_total_wait": 30,
        "slowdown_wait": 0.001,
    }
    env = {"FB": TOKEN, "YT": KEY, **fake_tiktok.ENV, **fake_reddit.ENV, **fake_x.ENV}
    with (
        FakeServer(apps["graph"]) as gs,
        FakeServer(apps["youtube"]) as ys,
        PostServer(apps["tiktok"]) as ts,
        PostServer(apps["reddit"]) as rs,
        FakeServer(apps["x"]) as xs,
        FakeServer(apps["feeds"]) as fs,
        tempfile.TemporaryDirectory() as tmp,
    ):
        graph.base, feeds.base = gs.url, fs.url
        config = parse_config(
            {
                "http": http,
                "sources": {
                    "fanpages": {
                        "type": "facebook",
                        "pages": ["1001", "2002"],
                        "token_env": "FB",
                        "base_url": gs.url,
                        "page_size": 100,
                    },
                    "youtube": {
                        "type": "youtube",
                        "channels": ["UCchan0", "UCchan1", "UCchan2"],
                        "key_env": "YT",
                        "base_url": ys.url,
                        "daily_quota": 10**9,
                    },
                    "tiktok": {
                        "type": "tiktok",
                        "keywords": ["trà sữa", "giao hàng"],
                        "hashtags": ["#trasua"],
                        "client_key_env": "TT_KEY",
                        "client_secret_env": "TT_SECRET",
                        "base_url": ts.url,
                    },
                    "reddit": {
                        "type": "reddit",
                        "subreddits": ["r/vietnam", "r/vnexpress"],
                        "client_id_env": "RD_ID",
                        "client_secret_env": "RD_SECRET",
                        "base_url": rs.url,
                        "auth_url": f"{rs.url}/api/v1/access_token",
                    },
                    "x": {
                        "type": "x",
                        "queries": ["(trà sữa OR #MayTea) lang:vi -is:retweet"],
                        "token_env": "X_TOKEN",
                        "base_url": xs.url,
                        "max_results": 100,
                    },
                    "news": {"type": "feed", "urls": [f"{fs.url}/rss/kinh-doanh.rss"]},
                },
            }
        )
        store = DuckDBStore(Path(tmp) / "bench.duckdb")
        store.ensure_workspace("bench")
        started = time.perf_counter()
        results = collect(store, "bench", config, env=env, nlp=False, refresh=False)
        seconds = time.perf_counter() - started
        # per source: (platform in the store, ids served, ids generated)
        checks: dict[str, tuple[str, set[str], set[str]]] = {
            "fanpages": ("facebook", graph.served, set().union(*(p.ids() for p in pages))),
            "youtube": ("youtube", youtube.served, ids(videos)),
            "tiktok": ("tiktok", tiktok.served, fake_tiktok.expected_ids(tiktok_videos)),
            "reddit": ("reddit", reddit.served, fake_reddit.expected_ids(reddit_posts)),
            "x": ("x", x.served, fake_x.expected_ids(tweets)),
            "news": ("news", feeds.article_ids(), feeds.article_ids()),
        }
        rows = store.fetch_all(
            "SELECT platform, source_id FROM mentions WHERE workspace = ?", ["bench"]
        )
        duplicates = store.check_unique()
        store.close()
    by_platform: dict[str, set[str]] = {}
    for plat, source_id in rows:
        by_platform.setdefault(plat, set()).add(source_id)
    stored = {source_id for _, source_id in rows}
    served = set().union(*(c[1] for c in checks.values()))
    expected = set().union(*(c[2] for c in checks.values()))
    sources = []
    for r in results:
        row: dict[str, Any] = {k: r.to_dict()[k] for k in ROW_KEYS}
        plat, got, made = checks[r.name]
        row["stored"] = len(by_platform.get(plat, set()))
        row["stored_equals_served"] = by_platform.get(plat, set()) == got == made
        row["items_per_second"] = round(r.inserted / r.seconds) if r.seconds else None
        sources.append(row)
    out: dict[str, Any] = {
        "items_stored": len(stored),
        "items_served": len(served),
        "stored_equals_served": stored == served == expected and len(rows) == len(stored),
        "duplicate_keys": duplicates,
        "items_fetched": sum(r.fetched for r in results),
        "seconds": round(seconds, 2),
        "items_per_second": round(len(stored) / seconds),
        "requests": sum(r.requests for r in results),
        "retries": sum(r.retries for r in results),
        "injected": {k: a.injected for k, a in apps.items()},
        "sources": sources,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", "utf-8")
    exact = out["stored_equals_served"] and all(row["stored_equals_served"] for row in sources)
    if not exact or duplicates or any(r.failed for r in results):
        raise SystemExit("stored != served, duplicates or a failed source")


if __name__ == "__main__":
    main()
