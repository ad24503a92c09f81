"""The scheduler (tinhieu.sources.scheduler) and ``tinhieu run``, against the loopback
fake servers of the connector tests, with a hand-driven clock."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.metrics.helpers import add, topics
from tests.signals.test_engine import OPTS, START, T, _background
from tests.sources.connectors.conftest import FAST_HTTP
from tests.sources.connectors.fake_feeds import FeedsApp
from tests.sources.connectors.servers import FakeServer, Req, Resp
from tinhieu.sources.connectors.config import SourcesConfig, parse_config
from tinhieu.sources.scheduler import Scheduler, backoff
from tinhieu.store import DuckDBStore, open_store

WS = "w"


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        self.at += timedelta(**delta)
        return self.at


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DuckDBStore]:
    s = open_store(tmp_path / "sched.duckdb")
    s.ensure_workspace(WS, "Asia/Ho_Chi_Minh")
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def feeds() -> Iterator[tuple[FakeServer, FakeServer]]:
    a, b = FeedsApp(news=4), FeedsApp(news=6)
    with FakeServer(a) as sa, FakeServer(b) as sb:
        a.base, b.base = sa.url, sb.url
        yield sa, sb


def config(sources: dict[str, dict[str, Any]]) -> SourcesConfig:
    return parse_config({"http": FAST_HTTP, "sources": sources})


def feed(server: FakeServer, interval: str) -> dict[str, Any]:
    return {"type": "feed", "urls": [f"{server.url}/rss/kinh-doanh.rss"], "interval": interval}


def rss_requests(server: FakeServer) -> int:
    return len(server.requests("/rss/"))


def runs_of(store: DuckDBStore, source: str) -> list[tuple[Any, ...]]:
    return store.fetch_all(
        "SELECT status, started_at, next_run_at, inserted FROM source_runs "
        "WHERE workspace = ? AND source = ? ORDER BY id",
        [WS, source],
    )


def plain(store: DuckDBStore, cfg: SourcesConfig, clock: Clock, **kw: Any) -> Scheduler:
    return Scheduler(store, cfg, workspace=WS, env={}, clock=clock, nlp=False, detect=False, **kw)


def test_backoff_doubles_up_to_the_cap() -> None:
    m = timedelta(minutes=10)
    assert [backoff(m, n) for n in range(4)] == [m, m, 2 * m, 4 * m]
    assert backoff(m, 20, cap=timedelta(hours=1)) == timedelta(hours=1)
    assert backoff(timedelta(days=2), 3, cap=timedelta(hours=6)) == timedelta(days=2)


def test_each_source_runs_on_its_own_interval(
    store: DuckDBStore, feeds: tuple[FakeServer, FakeServer]
) -> None:
    fast, slow = feeds
    clock = Clock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    sched = plain(store, config({"fast": feed(fast, "10m"), "slow": feed(slow, "30m")}), clock)
    assert {j.name for j in sched.due()} == {"fast", "slow"}  # never ran: due at once
    first = {r.name: r for r in sched.run_pending()}
    assert (first["fast"].inserted, first["slow"].inserted) == (4, 6)
    assert first["fast"].next_run_at == clock.at + timedelta(minutes=10)
    assert sched.run_pending() == []  # nothing due at the same instant
    clock.advance(minutes=5)
    assert sched.run_pending() == []
    clock.advance(minutes=5)
    assert [r.name for r in sched.run_pending()] == ["fast"]
    clock.advance(minutes=10)
    assert [r.name for r in sched.run_pending()] == ["fast"]
    clock.advance(minutes=10)
    assert sorted(r.name for r in sched.run_pending()) == ["fast", "slow"]
    assert (rss_requests(fast), rss_requests(slow)) == (4, 2)
    # each run is recorded with the next run the scheduler chose
    fast_runs = runs_of(store, "fast")
    assert len(fast_runs) == 4 and all(r[0] == "ok" for r in fast_runs)
    assert fast_runs[-1][2] == datetime(2026, 3, 1, 9, 40, tzinfo=UTC)
    assert [r[3] for r in fast_runs] == [4, 0, 0, 0]  # later runs found nothing new
    status = {s.name: s for s in sched.status(WS)}
    assert status["slow"].last_run is not None and status["slow"].last_run.fetched == 0
    assert status["slow"].next_run_at == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert sched.status("another") == []


def test_a_failing_source_does_not_stop_the_others_and_is_retried_later(
    store: DuckDBStore, feeds: tuple[FakeServer, FakeServer]
) -> None:
    good, bad = feeds
    bad.down = True  # drops every connection
    clock = Clock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    seen: list[tuple[str, str]] = []
    sched = plain(
        store,
        config({"bad": feed(bad, "10m"), "good": feed(good, "10m")}),
        clock,
        on_result=lambda ws, r: seen.append((r.name, r.status)),
    )
    sched.run_pending()
    assert sorted(seen) == [("bad", "failed"), ("good", "ok")]
    bad_job = sched.job(WS, "bad")
    assert bad_job is not None and bad_job.failures == 1
    assert bad_job.next_at == clock.at + timedelta(minutes=10)
    clock.advance(minutes=10)
    assert {r.name: r.status for r in sched.run_pending()} == {"bad": "failed", "good": "ok"}
    assert bad_job.failures == 2
    assert bad_job.next_at == clock.at + timedelta(minutes=20)  # backing off
    clock.advance(minutes=10)
    assert [r.name for r in sched.run_pending()] == ["good"]  # bad waits longer
    bad.down = False  # the server is back
    clock.advance(minutes=10)
    results = {r.name: r for r in sched.run_pending()}
    assert results["bad"].status == "ok" and results["bad"].inserted == 6
    assert bad_job.failures == 0 and bad_job.next_at == clock.at + timedelta(minutes=10)
    statuses = [r[0] for r in runs_of(store, "bad")]
    assert statuses == ["failed", "failed", "ok"]
    assert len(runs_of(store, "good")) == 4


def test_a_restart_continues_the_schedule(
    store: DuckDBStore, feeds: tuple[FakeServer, FakeServer]
) -> None:
    a, b = feeds
    b.down = True
    cfg = config({"a": feed(a, "1h"), "b": feed(b, "1h")})
    clock = Clock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    plain(store, cfg, clock).run_pending()
    clock.advance(minutes=20)
    again = plain(store, cfg, clock)
    assert again.due() == []  # neither is due 20 minutes after its run
    job_a, job_b = again.job(WS, "a"), again.job(WS, "b")
    assert job_a is not None and job_a.next_at == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert job_b is not None and job_b.failures == 1


def test_disabled_sources_wait_for_a_manual_run(
    store: DuckDBStore, feeds: tuple[FakeServer, FakeServer]
) -> None:
    a, _ = feeds
    clock = Clock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    sched = plain(store, config({"off": {**feed(a, "5m"), "enabled": False}}), clock)
    assert sched.run_pending() == []
    result = sched.run_now(WS, "off")  # no thread: runs here
    assert result is not None and result.inserted == 4
    job = sched.job(WS, "off")
    assert job is not None and job.next_at is None and not job.requested
    with pytest.raises(KeyError):
        sched.run_now("other", "off")


def wait_until(check: Callable[[], bool], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the scheduler thread did not get there"
        time.sleep(0.02)


def test_the_thread_runs_sources_repeatedly_and_stops_cleanly(
    store: DuckDBStore, feeds: tuple[FakeServer, FakeServer]
) -> None:
    good, bad = feeds
    bad.down = True
    cfg = config({"bad": feed(bad, "1m"), "good": feed(good, "1m")})
    tiny = timedelta(milliseconds=50)
    cfg = dataclasses.replace(
        cfg, sources=tuple(dataclasses.replace(s, interval=tiny) for s in cfg.sources)
    )
    sched = Scheduler(store, cfg, workspace=WS, env={}, nlp=False, detect=False, max_backoff=tiny)
    with sched:
        assert sched.running
        wait_until(lambda: rss_requests(good) >= 3 and len(runs_of(store, "bad")) >= 3)
        result = sched.run_now(WS, "good", wait=True)  # queued to the thread, awaited
        assert result is not None and result.status == "ok"
        assert sched.stop() is True
    assert not sched.running
    assert store.fetch_all("SELECT count(*) FROM source_runs WHERE status = 'running'") == [(0,)]
    done = rss_requests(good)
    time.sleep(0.2)  # nothing runs after the stop
    assert rss_requests(good) == done
    assert store.fetch_all("SELECT count(*) FROM mentions WHERE workspace = ?", [WS]) == [(4,)]


# --- analysis and detection on what arrives ----------------------------------------------
class SpikeFeed:
    """A forum feed that is empty until ``burst`` posts are planted."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, datetime, str]] = []
        self.base = ""

    def __call__(self, req: Req) -> Resp:
        items = "".join(
            f"<item><title>{escape(text)}</title><pubDate>{format_datetime(at, usegmt=True)}"
            f"</pubDate><link>{self.base}/t/{pid}</link><guid>{self.base}/t/{pid}</guid>"
            f"<dc:creator>khach{pid}</dc:creator><description>{escape(text)}</description></item>"
            for pid, at, text in self.posts
        )
        body = (
            "<?xml version='1.0' encoding='utf-8'?><rss version='2.0' "
            "xmlns:dc='http://purl.org/dc/elements/1.1/'><channel><title>Diễn đàn</title>"
            f"<link>{self.base}</link><language>vi-VN</language>{items}</channel></rss>"
        )
        return Resp(200, body, {"Content-Type": "application/rss+xml; charset=UTF-8"})


def test_a_spike_that_arrives_is_analysed_and_stored_as_a_signal(store: DuckDBStore) -> None:
    from tinhieu.signals.alerts import make_rule, save_rule

    topics(store, {T: "brand"})  # the topic "Brand", query "Brand"
    add(store, [r for r in _background(11) if r["created_at"] < START + timedelta(days=10)])
    save_rule(store, make_rule(WS, "team", channel="slack", target={"url_env": "SLACK_URL"}))
    hour = START + timedelta(days=10, hours=3)
    clock = Clock(hour + timedelta(minutes=5))
    app = SpikeFeed()
    with FakeServer(app) as server:
        app.base = server.url
        spec = {"type": "feed", "platform": "forum", "urls": [server.url + "/f.rss"]}
        ticks: list[Any] = []
        sched = Scheduler(
            store,
            config({"forum": {**spec, "interval": "15m"}}),
            workspace=WS,
            env={},
            clock=clock,
            options=OPTS,
            deliver=False,
            on_tick=lambda ws, tick: ticks.append(tick),
        )
        sched.run_pending()  # nothing yet: no analysis, no tick
        assert ticks == []
        app.posts = [
            (str(i), hour + timedelta(minutes=6 + i // 3), "Trà sữa Brand uống xong bị đau bụng")
            for i in range(60)
        ]
        clock.advance(minutes=15)
        [result] = sched.run_pending()
        assert result.inserted == 60
    assert sched.errors == []
    # analysed: every new post has a sentiment and the topic
    assert store.fetch_all(
        "SELECT count(*), count(sentiment), count(*) FILTER (WHERE list_contains(topics, ?)) "
        "FROM mentions WHERE workspace = ? AND platform = 'forum'",
        [T, WS],
    ) == [(60, 60, 60)]
    # detected on arrival: the burst is a stored signal, queued for the alert rule
    [tick] = ticks
    assert tick.signals, "the burst raised no signal"
    assert {s.topic for s in tick.signals} == {T}
    stored = store.fetch_all("SELECT id, kind FROM signals WHERE workspace = ?", [WS])
    assert {s.id for s in tick.signals} <= {r[0] for r in stored}
    assert tick.queued >= 1


# --- tinhieu run ---------------------------------------------------------------------------
def test_run_command_once(tmp_path: Path, feeds: tuple[FakeServer, FakeServer]) -> None:
    from tinhieu.cli import main

    a, b = feeds
    b.down = True
    path = tmp_path / "tinhieu.toml"
    lines = ["[http]"] + [f"{k} = {v}" for k, v in FAST_HTTP.items()]
    for name, server in (("bao", a), ("hong", b)):
        lines += [
            f"[sources.{name}]",
            'type = "feed"',
            f"urls = {json.dumps([server.url + '/rss/kinh-doanh.rss'])}",
            'interval = "10m"',
        ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    db = str(tmp_path / "run.duckdb")
    runner = CliRunner()
    out = runner.invoke(
        main,
        ["run", "--db", db, "--config", str(path), "--once", "--no-deliver"],
        env={"TINHIEU_LANG": "en"},
    )
    assert out.exit_code == 1, out.output  # hong failed; bao still ran
    assert "bao (news): ok — fetched 4, inserted 4" in out.output
    assert "hong (news): failed" in out.output
    assert "next run" in out.output
    out = runner.invoke(main, ["run", "--db", db, "--config", str(path), "--once"])
    assert out.exit_code == 0, out.output
    assert "bao" not in out.output  # not due again yet
    out = runner.invoke(
        main,
        ["run", "--db", db, "--config", str(tmp_path / "none.toml"), "--once"],
        env={"TINHIEU_LANG": "en"},
    )
    assert out.exit_code == 0 and "No sources configured" in out.output
