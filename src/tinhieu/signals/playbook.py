"""The playbook: recommended next actions for what the morning brief found.

A :class:`Finding` is one thing the brief noticed — a signal, a topic's crisis stage,
positive buzz, vanity engagement, seeding, a competitor's share-of-voice gain — with the
attributes the rules key on (source, signal kind, risk category, aspect, stage, topic
group, severity). The rules live in ``data/playbook.toml`` (documented there and in
``docs/brief.md``); each finding takes the **first** rule whose conditions all hold, so
the file lists specific rules before general ones. :func:`recommend` turns findings into
:class:`Action` records, one per (rule, topic), each naming the finding that triggered it
(the most severe one when several did) and how many others agreed.

Step texts are message keys (``playbook.step.<key>`` in :mod:`tinhieu.i18n`); a step that
is not a key is shown as written, so a workspace can keep its own playbook file in plain
sentences.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Final

from tinhieu.i18n import t

#: The attributes a rule's ``when`` can name.
CONDITIONS: Final[tuple[str, ...]] = ("source", "kind", "risk", "aspect", "stage", "group")
SOURCES: Final[tuple[str, ...]] = ("signal", "stage", "buzz", "vanity", "seeding", "sov")
GROUP_ORDER: Final[dict[str, int]] = {"brand": 0, "competitor": 1, "category": 2}


class PlaybookError(ValueError):
    """A playbook file that cannot be used; the message says where."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the brief found, as the rules see it."""

    source: str  # signal | stage | buzz | vanity | seeding | sov
    topic: str
    group: str
    severity: int  # 1..10: how urgent (a signal's severity; see brief.py for the rest)
    kind: str | None = None  # the signal kind, or the source for the other findings
    risk: str | None = None
    aspect: str | None = None
    stage: str | None = None
    signal: int | None = None  # the signal's number in the brief, when it is one
    values: Mapping[str, float] = field(default_factory=dict)  # numbers for the sentence


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    when: Mapping[str, tuple[str, ...]]
    steps: tuple[str, ...]
    min_severity: int = 1
    #: rules that make this one redundant: ``rule`` for the same topic, ``*`` for any
    #: other rule on the same topic, ``group:rule`` for that rule on any topic of the group
    unless: tuple[str, ...] = ()

    def matches(self, f: Finding) -> bool:
        if f.severity < self.min_severity:
            return False
        return all(getattr(f, name) in allowed for name, allowed in self.when.items())


@dataclass(frozen=True, slots=True)
class Action:
    """Steps to take about one topic, and the finding that triggered them."""

    rule: str
    topic: str
    group: str
    steps: tuple[str, ...]
    finding: Finding
    also: int = 0  # other findings of the same topic that took the same rule


def _strings(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise PlaybookError(f"{where}: expected a string or a list of strings")


def parse_playbook(text: str, *, source: str = "playbook") -> tuple[Rule, ...]:
    """The rules of a playbook in TOML (see ``data/playbook.toml``)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlaybookError(f"{source}: {exc}") from exc
    raw = data.get("rule")
    if not isinstance(raw, list) or not raw:
        raise PlaybookError(f"{source}: no [[rule]] tables")
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, item in enumerate(raw, 1):
        where = f"{source}: rule {i}"
        if not isinstance(item, dict):
            raise PlaybookError(f"{where}: not a table")
        rid = item.get("id")
        if not isinstance(rid, str) or not rid:
            raise PlaybookError(f"{where}: missing id")
        where = f"{source}: rule {rid!r}"
        if rid in seen:
            raise PlaybookError(f"{where}: duplicate id")
        seen.add(rid)
        unknown = set(item) - {"id", "when", "steps", "unless"}
        if unknown:
            raise PlaybookError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        when_raw = item.get("when", {})
        if not isinstance(when_raw, dict):
            raise PlaybookError(f"{where}: `when` must be a table")
        when: dict[str, tuple[str, ...]] = {}
        min_severity = 1
        for name, value in when_raw.items():
            if name == "min_severity":
                if not isinstance(value, int) or not 1 <= value <= 10:
                    raise PlaybookError(f"{where}: min_severity must be 1..10")
                min_severity = value
            elif name in CONDITIONS:
                when[name] = _strings(value, f"{where}: when.{name}")
            else:
                raise PlaybookError(f"{where}: unknown condition {name!r}")
        for src in when.get("source", ()):
            if src not in SOURCES:
                raise PlaybookError(f"{where}: unknown source {src!r}")
        steps = _strings(item.get("steps"), f"{where}: steps")
        unless = _strings(item["unless"], f"{where}: unless") if "unless" in item else ()
        rules.append(Rule(rid, when, steps, min_severity, unless))
    known = {r.id for r in rules} | {"*"}
    for r in rules:
        for other in r.unless:
            if other.partition(":")[2 if ":" in other else 0] not in known:
                raise PlaybookError(f"{source}: rule {r.id!r}: unless names no rule {other!r}")
    return tuple(rules)


def load_playbook(path: str | Path | None = None) -> tuple[Rule, ...]:
    """The rules from ``path``, or the shipped playbook (``data/playbook.toml``)."""
    if path is None:
        text = resources.files("tinhieu.signals").joinpath("data/playbook.toml").read_text("utf-8")
        return parse_playbook(text, source="playbook.toml")
    p = Path(path)
    try:
        text = p.read_text("utf-8")
    except OSError as exc:
        raise PlaybookError(f"{p}: {exc.strerror or exc}") from exc
    return parse_playbook(text, source=str(p))


def rule_for(finding: Finding, rules: Sequence[Rule]) -> Rule | None:
    """The first rule that matches ``finding``."""
    for rule in rules:
        if rule.matches(finding):
            return rule
    return None


def recommend(findings: Iterable[Finding], rules: Sequence[Rule]) -> list[Action]:
    """One action per (rule, topic), most urgent first.

    The trigger of an action is its most severe finding (ties: the earlier finding);
    ``also`` counts the others. A rule's ``unless`` drops its action when one of those
    rules (``*``: any other) also acts on the topic, or ``group:rule`` acts on any topic
    of that group, so "read the evidence" does not stand beside "activate the crisis
    team", nor a category scare that is the brand's own beside the brand's action.
    Actions are ordered by the trigger's severity, then brand before competitors before
    the category, then the rule's place in the playbook.
    """
    order = {r.id: i for i, r in enumerate(rules)}
    chosen: dict[tuple[str, str], tuple[Rule, Finding, int]] = {}
    for f in findings:
        rule = rule_for(f, rules)
        if rule is None:
            continue
        key = (rule.id, f.topic)
        if key not in chosen:
            chosen[key] = (rule, f, 0)
            continue
        r, best, n = chosen[key]
        chosen[key] = (r, f, n + 1) if f.severity > best.severity else (r, best, n + 1)
    acting: dict[str, set[str]] = {}
    by_group: dict[str, set[str]] = {}
    for (rule_id, topic), (_, f, _) in chosen.items():
        acting.setdefault(topic, set()).add(rule_id)
        by_group.setdefault(f.group, set()).add(rule_id)

    def redundant(rule: Rule, topic: str) -> bool:
        others = acting[topic] - {rule.id}
        for u in rule.unless:
            group, _, rid = u.rpartition(":")
            if group and rid in by_group.get(group, set()):
                return True
            if not group and (rid in others or (rid == "*" and others)):
                return True
        return False

    actions = [
        Action(rule.id, f.topic, f.group, rule.steps, f, also=n)
        for rule, f, n in chosen.values()
        if not redundant(rule, f.topic)
    ]
    actions.sort(
        key=lambda a: (
            -a.finding.severity,
            GROUP_ORDER.get(a.group, len(GROUP_ORDER)),
            order[a.rule],
            a.topic,
        )
    )
    return actions


def step_text(step: str, lang: str) -> str:
    """The sentence of one step: its message, or the step as written."""
    try:
        return t(f"playbook.step.{step}", lang)
    except KeyError:
        return step


def rule_title(rule: str, lang: str) -> str:
    try:
        return t(f"playbook.rule.{rule}", lang)
    except KeyError:
        return rule
