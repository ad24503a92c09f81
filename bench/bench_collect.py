"""Collection benchmark: 100k+ items from local fake platform servers, with injected
429s (``Retry-After: 0``) and 500s, through the real connectors and the store.

    .venv/bin/python bench/bench_collect.py                 # ~120k items
    .venv/bin/python bench/bench_collect.py --scale 0.2     # quicker

The servers are the loopback stand-ins of the tests (``tests/sources/connectors``): a
Graph API page pair (posts, comments, replies; 100 a page), a YouTube Data API channel
set (search, videos, channels, comment threads, replies) and a news RSS feed whose
articles are fetched and extracted. Every ``--fault-every``-th request answers 429 and
every ``--fault-every + 13``-th answers 500 before the real answer. The run collects
each source once (``tinhieu.sources.connectors.collect``, NLP off: this measures
collection), then checks that the stored ids equal the ids the servers served, exactly,
and that no key is stored twice.

Prints a summary and writes ``bench/results/collect.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # the fake servers live with the tests


class Faulty:
    """Wraps an app: every ``every``-th request gets a 429, every ``every + 13``-th a 500."""

    def __init__(self, app: Any, every: int) -> None:
        self.app, self.every, self.n = app, every, 0
        self.injected = {"429": 0, "500": 0}

    def __call__(self, req: Any) -> Any:
        from tests.sources.connectors.servers import Resp

        self.n += 1
        if self.every and self.n % self.every == 0:
            self.injected["429"] += 1
            return Resp(429, {"error": {"message": "slow down", "code": 429}}, {"Retry-After": "0"})
        if self.every and self.n % (self.every + 13) == 0:
            self.injected["500"] += 1
            return Resp(500, "<html>Internal Server Error</html>")
        return self.app(req)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--fault-every", type=int, default=40)
    parser.add_argument("--out", default=str(RESULTS / "collect.json"))
    args = parser.parse_args()

    from tests.sources.connectors.fake_feeds import FeedsApp
    from tests.sources.connectors.fake_graph import TOKEN, GraphApp, make_page
    from tests.sources.connectors.fake_youtube import KEY, YouTubeApp, ids, make_videos
    from tests.sources.connectors.servers import FakeServer

    from tinhieu.sources.connectors.collect import collect
    from tinhieu.sources.connectors.config import parse_config
    from tinhieu.store import DuckDBStore

    posts = max(10, int(1000 * args.scale))
    pages = [
        make_page("1001", posts=posts, comments=20),
        make_page("2002", posts=posts, comments=20),
    ]
    videos = make_videos(max(10, int(500 * args.scale)), threads=40)
    for i, v in enumerate(videos):
        v.channel = f"UCchan{i % 3}"
    news = max(5, int(500 * args.scale))
    graph, youtube, feeds = GraphApp(pages), YouTubeApp(videos), FeedsApp(news=news, forum=0)
    feeds.missing_articles = set()
    apps = {
        "graph": Faulty(graph, args.fault_every),
        "youtube": Faulty(youtube, args.fault_every),
        "feeds": Faulty(feeds, args.fault_every),
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
    with (
        FakeServer(apps["graph"]) as gs,
        FakeServer(apps["youtube"]) as ys,
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
                    "news": {"type": "feed", "urls": [f"{fs.url}/rss/kinh-doanh.rss"]},
                },
            }
        )
        store = DuckDBStore(Path(tmp) / "bench.duckdb")
        store.ensure_workspace("bench")
        started = time.perf_counter()
        results = collect(
            store, "bench", config, env={"FB": TOKEN, "YT": KEY}, nlp=False, refresh=False
        )
        seconds = time.perf_counter() - started
        served = graph.served | youtube.served | feeds.article_ids()
        expected = set().union(*(p.ids() for p in pages)) | ids(videos) | feeds.article_ids()
        stored = {
            r[0]
            for r in store.fetch_all("SELECT source_id FROM mentions WHERE workspace = 'bench'")
        }
        duplicates = store.check_unique()
        store.close()
    fetched = sum(r.fetched for r in results)
    out: dict[str, Any] = {
        "items_stored": len(stored),
        "items_served": len(served),
        "stored_equals_served": stored == served == expected,
        "duplicate_keys": duplicates,
        "items_fetched": fetched,
        "seconds": round(seconds, 2),
        "items_per_second": round(len(stored) / seconds),
        "requests": sum(r.requests for r in results),
        "retries": sum(r.retries for r in results),
        "injected": {k: a.injected for k, a in apps.items()},
        "sources": [
            {
                k: r.to_dict()[k]
                for k in (
                    "name",
                    "status",
                    "fetched",
                    "inserted",
                    "requests",
                    "retries",
                    "quota_used",
                    "seconds",
                )
            }
            for r in results
        ],
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", "utf-8")
    if not out["stored_equals_served"] or duplicates or any(r.failed for r in results):
        raise SystemExit("stored != served, duplicates or a failed source")


if __name__ == "__main__":
    main()
