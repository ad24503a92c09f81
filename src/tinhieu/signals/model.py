"""What a signal is: the one record every detector emits and every consumer reads.

A :class:`Signal` says that one measure of one topic (optionally narrowed to an aspect,
a platform or a term) deviated from its baseline in one time bucket, how badly
(``severity`` 1–10), against what baseline, for how long (``persistence``), and why:
its :class:`Evidence` (the mentions, authors and terms that drove it). Alerts, the
morning brief, the CLI and the API all read this record; nothing else defines a signal.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Final, Literal

#: The kinds of signal, in the order a brief lists them when severities tie.
SIGNAL_KINDS: Final[tuple[str, ...]] = (
    "negative_shift",  # negative share rose, even with volume flat
    "emerging_aspect",  # a newly emerging negative aspect (e.g. delivery complaints)
    "volume_spike",  # mentions well above the hour-of-week baseline
    "escalation",  # news outlets and big pages joined the conversation
    "emerging_term",  # a term or phrase bursting
    "vanity_spike",  # interactions spiking, driven by giveaway/seeding/spam
)
SignalKind = Literal[
    "negative_shift",
    "emerging_aspect",
    "volume_spike",
    "escalation",
    "emerging_term",
    "vanity_spike",
]
Grain = Literal["hour", "day"]

#: Crisis stages of a topic, in order.
STAGES: Final[tuple[str, ...]] = ("none", "smouldering", "outbreak", "spread", "recovery")


@dataclass(frozen=True, slots=True)
class EvidenceMention:
    platform: str
    source_id: str
    url: str | None
    author: str | None
    text: str
    created_at: datetime | None = None
    interactions: int | None = None
    sentiment: str | None = None


@dataclass(frozen=True, slots=True)
class EvidenceAuthor:
    name: str
    mentions: int
    followers: int | None = None
    kind: str | None = None  # person, page, news, ...


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why the signal fired: what drove the deviation."""

    mentions: tuple[EvidenceMention, ...] = ()
    authors: tuple[EvidenceAuthor, ...] = ()
    terms: tuple[str, ...] = ()
    aspect: str | None = None
    platforms: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Signal:
    """One deviation of one measure of one topic in one bucket."""

    workspace: str
    topic: str
    kind: SignalKind
    measure: str  # volume, negative_share, net_sentiment, interactions, authors, big_share
    grain: Grain
    bucket_start: datetime  # aware, UTC: the bucket that triggered (local hour or day)
    bucket_end: datetime  # exclusive
    observed: float  # over the ``window`` buckets ending with this one (a share: the share)
    baseline: float  # what was expected for the same buckets
    deviation: float  # robust z-score of observed against the baseline
    severity: int  # 1..10
    persistence: int = 1  # consecutive buckets the deviation has lasted
    window: int = 1  # buckets (ending with this one) that observed and baseline cover
    dimension: str | None = None  # aspect, platform or term, when the series is narrowed
    dimension_value: str | None = None
    evidence: Evidence = field(default_factory=Evidence)
    stage: str | None = None  # the topic's crisis stage when the signal fired

    def __post_init__(self) -> None:
        if not 1 <= self.severity <= 10:
            raise ValueError(f"severity must be 1..10, got {self.severity}")

    @property
    def key(self) -> str:
        """What the cooldown and de-duplication compare: the same topic, kind and
        dimension is the same ongoing story."""
        return "|".join(
            (
                self.workspace,
                self.topic,
                self.kind,
                self.dimension or "",
                self.dimension_value or "",
            )
        )

    @property
    def id(self) -> str:
        """Stable id: the key plus the bucket (re-detecting the same bucket is a no-op)."""
        raw = f"{self.key}|{self.grain}|{self.bucket_start.isoformat()}"
        return hashlib.sha256(raw.encode()).hexdigest()[:20]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["id"] = self.id
        d["key"] = self.key
        for k in ("bucket_start", "bucket_end"):
            d[k] = d[k].isoformat()
        for m in d["evidence"]["mentions"]:
            if m.get("created_at") is not None:
                m["created_at"] = m["created_at"].isoformat()
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Signal:
        ev = d.get("evidence") or {}
        evidence = Evidence(
            mentions=tuple(
                EvidenceMention(
                    **{
                        **m,
                        "created_at": datetime.fromisoformat(m["created_at"])
                        if m.get("created_at")
                        else None,
                    }
                )
                for m in ev.get("mentions", ())
            ),
            authors=tuple(EvidenceAuthor(**a) for a in ev.get("authors", ())),
            terms=tuple(ev.get("terms", ())),
            aspect=ev.get("aspect"),
            platforms=dict(ev.get("platforms") or {}),
        )
        fields = {
            k: v
            for k, v in d.items()
            if k not in ("id", "key", "evidence", "bucket_start", "bucket_end")
        }
        return cls(
            **fields,
            bucket_start=datetime.fromisoformat(d["bucket_start"]),
            bucket_end=datetime.fromisoformat(d["bucket_end"]),
            evidence=evidence,
        )
