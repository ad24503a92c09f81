"""Early warning on the demo's ground truth: is the crisis caught early, and only it?

    .venv/bin/python bench/eval_early_warning.py [--db PATH] [--days 90] [--seed 42]

Builds the demo workspace (unless ``--db`` names one built by ``tinhieu demo`` with the
same ``--days``/``--seed``), runs batch detection over every topic from day 22 on (the
first three weeks warm the detectors up), and checks it against the planted situations
(:func:`tinhieu.demo.ground_truth`):

* **the crisis** — the first *crisis alert* on the crisis brand: a negative signal
  (negative shift, emerging negative aspect, crisis-risk terms) of severity ≥ 5, which is
  what the default alert rule sends; the topic's stage at that moment; and how many
  hours before the brand's volume peak (the busiest hour, and the busiest local day, of
  the crisis window) it came.
* **quiet periods** — crisis alerts on the crisis brand outside the crisis window (from
  one day before it starts to seven days after it ends) and on every other brand at any
  time: false crisis alerts; and the hours each spent in outbreak or spread there.
* **giveaways** — the signals of the giveaway brand within a day of each planted
  minigame: whether the spike is reported as vanity and whether any crisis alert fires.

Prints a table and writes ``bench/results/early_warning.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tinhieu.demo import DemoConfig, ground_truth
from tinhieu.signals.engine import DetectOptions, detect
from tinhieu.signals.model import Signal
from tinhieu.store import open_store

HERE = Path(__file__).resolve().parent
NEGATIVE = {"negative_shift", "emerging_aspect"}
ALERT_SEVERITY = 5


def is_crisis_alert(s: Signal) -> bool:
    negative = s.kind in NEGATIVE or (s.kind == "emerging_term" and s.dimension == "risk")
    return negative and s.severity >= ALERT_SEVERITY


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _true_stage(crisis: dict[str, Any], moment: datetime) -> str | None:
    """The planted crisis stage (complaints, buzz_rise, …) at ``moment``."""
    raw = crisis["stages"]
    stages = json.loads(raw) if isinstance(raw, str) else raw
    for st in stages:
        if _ts(st["start"]) <= moment < _ts(st["end"]):
            return str(st["stage"])
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default=None)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", default=str(HERE / "results" / "early_warning.json"))
    args = ap.parse_args()

    cfg = DemoConfig(days=args.days, seed=args.seed)
    truth = ground_truth(cfg)
    tmp = None
    db = args.db
    if db is None:
        tmp = tempfile.TemporaryDirectory()
        db = str(Path(tmp.name) / "demo.duckdb")
        cmd = [sys.executable, "-m", "tinhieu.cli", "demo", "--db", db]
        cmd += ["--days", str(args.days), "--seed", str(args.seed), "--json"]
        subprocess.run(cmd, check=True, capture_output=True)

    period_start = _ts(truth["period"]["start"])
    now = _ts(truth["period"]["end"])
    since = period_start + timedelta(days=21)
    names = {b["key"]: b["name"] for b in truth["brands"]}
    sov = [b["name"] for b in truth["brands"]]

    store = open_store(db)
    try:
        t0 = time.perf_counter()
        reports = detect(
            store,
            "default",
            topics=sov,
            since=since,
            now=now,
            options=DetectOptions(history_days=21),
        )
        seconds = time.perf_counter() - t0
    finally:
        store.close()
    by_topic = {r.topic: r for r in reports}

    out: dict[str, Any] = {
        "machine": platform.machine(),
        "python": platform.python_version(),
        "demo": {"days": args.days, "seed": args.seed},
        "detect_seconds": round(seconds, 2),
        "topics": len(reports),
        "signals": sum(len(r.signals) for r in reports),
    }

    crisis = next(s for s in truth["situations"] if s["kind"] == "crisis")
    c_topic = names[crisis["brand"]]
    c_start, c_end = _ts(crisis["window"]["start"]), _ts(crisis["window"]["end"])
    rep = by_topic[c_topic]
    h = rep.hourly
    inside = h[(h["bucket_start"] >= c_start) & (h["bucket_start"] < c_end)]
    peak_hour = inside.loc[inside["mentions"].idxmax(), "bucket_start"].to_pydatetime()
    daily = inside.groupby(inside["bucket_start"].dt.tz_convert("Asia/Ho_Chi_Minh").dt.date)[
        "mentions"
    ].sum()
    peak_day = daily.idxmax()
    alerts = sorted((s for s in rep.signals if is_crisis_alert(s)), key=lambda s: s.bucket_end)
    first = next((s for s in alerts if s.bucket_end > c_start - timedelta(days=1)), None)
    stages = {r.at: r.stage for r in rep.stages}
    first_stage_hour = next(
        (r.at for r in rep.stages if r.at > c_start and r.stage != "none"), None
    )
    out["crisis"] = {
        "topic": c_topic,
        "starts": c_start.isoformat(),
        "peak_hour": peak_hour.isoformat(),
        "peak_day": str(peak_day),
        "first_alert": None
        if first is None
        else {
            "at": first.bucket_end.isoformat(),
            "kind": first.kind,
            "dimension": first.dimension_value,
            "severity": first.severity,
            "hours_after_start": round((first.bucket_end - c_start).total_seconds() / 3600, 1),
            "hours_before_peak_hour": round(
                (peak_hour - first.bucket_end).total_seconds() / 3600, 1
            ),
            "stage_then": stages.get(first.bucket_end, "none"),
            "true_stage_then": _true_stage(crisis, first.bucket_end),
            "terms": list(first.evidence.terms[:5]),
        },
        "first_stage_change": None if first_stage_hour is None else first_stage_hour.isoformat(),
        "stage_at_first_stage_change": None
        if first_stage_hour is None
        else stages[first_stage_hour],
        "stages_seen": sorted({r.stage for r in rep.stages if c_start <= r.at < c_end}),
    }

    quiet_lo, quiet_hi = c_start - timedelta(days=1), c_end + timedelta(days=7)
    false_alerts = []
    outbreak_hours: dict[str, int] = {}

    def outside(topic: str, moment: datetime) -> bool:
        """Outside the crisis: for the crisis brand, away from its window; for every
        other brand, always (a competitor is not in crisis)."""
        return topic != c_topic or not quiet_lo <= moment < quiet_hi

    for r in reports:
        for s in r.signals:
            if is_crisis_alert(s) and outside(r.topic, s.bucket_end):
                false_alerts.append(
                    {
                        "topic": r.topic,
                        "at": s.bucket_end.isoformat(),
                        "kind": s.kind,
                        "dimension": s.dimension_value,
                        "severity": s.severity,
                    }
                )
        hot = [
            x
            for x in r.stages
            if x.at >= since and x.stage in ("outbreak", "spread") and outside(r.topic, x.at)
        ]
        outbreak_hours[r.topic] = len(hot)
    out["quiet"] = {
        "false_crisis_alerts": len(false_alerts),
        "alerts": false_alerts,
        "outbreak_hours_outside_crisis": outbreak_hours,
    }

    gaves = []
    for g in (s for s in truth["situations"] if s["kind"] == "giveaway"):
        topic = names[g["brand"]]
        at = _ts(g["post"]["created_at"])
        near = [
            s
            for s in by_topic[topic].signals
            if at - timedelta(hours=2) <= s.bucket_start < at + timedelta(days=1)
        ]
        spikes = [s for s in near if s.measure == "volume"]
        gaves.append(
            {
                "topic": topic,
                "at": at.isoformat(),
                "reported_before_warmup": at < since,
                "volume_signals": [(s.kind, s.severity) for s in spikes],
                "vanity": any(s.kind == "vanity_spike" for s in spikes),
                "crisis_alerts": sum(is_crisis_alert(s) for s in near),
            }
        )
    out["giveaways"] = gaves

    c = out["crisis"]
    print(f"Detection over {len(reports)} topics from {since:%Y-%m-%d}: {seconds:.1f} s")
    fa = c["first_alert"]
    if fa:
        print(
            f"Crisis ({c_topic}, starts {c_start:%m-%d %H:%M} UTC): first alert {fa['kind']}"
            f"[{fa['dimension']}] sev {fa['severity']} at {fa['at'][:16]} UTC, "
            f"{fa['hours_after_start']} h after the start, {fa['hours_before_peak_hour']} h "
            f"before the volume peak ({c['peak_hour'][:16]}; peak day {c['peak_day']}); "
            f"stage then: {fa['stage_then']} (planted: {fa['true_stage_then']})"
        )
    else:
        print(f"Crisis ({c_topic}): NOT alerted")
    print(f"Stages during the crisis: {', '.join(c['stages_seen'])}")
    print(f"False crisis alerts outside the crisis: {len(false_alerts)}")
    for a in false_alerts:
        print(
            f"   {a['topic']}: {a['kind']}[{a['dimension']}] sev {a['severity']} at {a['at'][:16]}"
        )
    print(f"Outbreak/spread hours outside the crisis: {outbreak_hours}")
    for g in gaves:
        note = " (before the warm-up ended: not scored)" if g["reported_before_warmup"] else ""
        print(
            f"Giveaway {g['topic']} {g['at'][:16]}{note}: volume signals {g['volume_signals']}, "
            f"vanity={g['vanity']}, crisis alerts={g['crisis_alerts']}"
        )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {args.out}")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
