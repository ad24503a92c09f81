"""Authors of the demo data: persons, KOLs of every tier, pages, news outlets, brands.

Authors live in one columnar table (Arrow strings, numpy numbers) so that a batch picks
its authors with one vectorised ``take``. Ids, names and follower counts are fixed per
author, so the same person keeps the same id and name across all of their mentions.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from tinhieu.demo.arrays import F64, I64
from tinhieu.demo.brands import BRANDS
from tinhieu.demo.text import constant, join, materialise, vocab
from tinhieu.schema import AUTHOR_KINDS
from tinhieu.text.normalise import fold

PLATFORMS: Final = ("facebook", "tiktok", "youtube", "forum", "news", "review")
FB, TT, YT, FORUM, NEWS, REVIEW = range(6)
PERSON, PAGE, NEWS_KIND, BRAND_KIND = (
    AUTHOR_KINDS.index(k) for k in ("person", "page", "news", "brand")
)

# KOL tiers by followers, as the product defines them
TIERS: Final = ("nano", "micro", "macro", "mega")
TIER_BOUNDS: Final = (
    (1_000, 10_000),
    (10_000, 300_000),
    (300_000, 1_000_000),
    (1_000_000, 8_000_000),
)
KOL_COUNTS: Final = {FB: (40, 24, 7, 3), TT: (60, 40, 10, 4), YT: (16, 12, 4, 2)}

_B64: Final = np.frombuffer(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", np.uint8
)


def b64_ids(n: npt.NDArray[Any], width: int) -> pa.Array:
    """Opaque, unique, YouTube-like ids: a bijective scramble of ``n`` in base 64."""
    x = (n.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) ^ np.uint64(0x5DEECE66D)
    digits = np.empty((len(x), width), np.uint8)
    for k in range(width):
        digits[:, k] = _B64[(x & np.uint64(63)).astype(np.int64)]
        x = x >> np.uint64(6)
    return pa.array(digits.view(f"S{width}").ravel()).cast(pa.string())


def numeric_ids(prefix: str, n: npt.NDArray[Any], width: int) -> pa.Array:
    digits = pc.utf8_lpad(
        pc.cast(pa.array(n.astype(np.int64)), pa.string()), width=width, padding="0"
    )
    return join([prefix, digits])


@dataclass
class Group:
    start: int
    stop: int
    cdf: F64  # cumulative activity weights, last = 1
    _table: npt.NDArray[np.int32] | None = field(default=None, repr=False)

    def sample(self, u: F64) -> I64:
        """Members drawn by activity weight, one per uniform ``u``."""
        if self.size < 2048:
            k = np.searchsorted(self.cdf, u, side="right")
            return self.start + k.clip(0, self.size - 1).astype(np.int64)
        if self._table is None:
            # inverse-CDF lookup table: O(1) per draw, resolution 1 / len(table)
            m = 1 << max(16, int(np.ceil(np.log2(self.size * 2))))
            grid = (np.arange(m) + 0.5) / m
            self._table = (
                np.searchsorted(self.cdf, grid, side="right")
                .clip(0, self.size - 1)
                .astype(np.int32)
            )
        return self.start + self._table[(u * len(self._table)).astype(np.int64)].astype(np.int64)

    @property
    def size(self) -> int:
        return self.stop - self.start

    def members(self) -> I64:
        return np.arange(self.start, self.stop, dtype=np.int64)


@dataclass
class Authors:
    ids: pa.Array
    names: pa.Array
    handles: pa.Array
    joined: npt.NDArray[np.int32]  # account creation, days since 1970-01-01; -1 = unknown
    followers: I64  # -1 = unknown
    verified: npt.NDArray[np.int8]  # -1 = unknown
    kind: npt.NDArray[np.int8]
    platform: npt.NDArray[np.int8]
    tier: npt.NDArray[np.int8]  # -1 = not a KOL, else index into TIERS
    groups: dict[str, Group]
    brand_account: dict[tuple[int, int], int]  # (brand, platform) -> author
    big_pages: I64

    def __len__(self) -> int:
        return len(self.followers)


@dataclass
class _Builder:
    rng: np.random.Generator
    start_day: int  # days since epoch of the first day of the period
    ids: list[pa.Array] = field(default_factory=list)
    names: list[pa.Array] = field(default_factory=list)
    handles: list[pa.Array] = field(default_factory=list)
    joined: list[npt.NDArray[np.int32]] = field(default_factory=list)
    followers: list[I64] = field(default_factory=list)
    verified: list[npt.NDArray[np.int8]] = field(default_factory=list)
    kind: list[npt.NDArray[np.int8]] = field(default_factory=list)
    platform: list[npt.NDArray[np.int8]] = field(default_factory=list)
    tier: list[npt.NDArray[np.int8]] = field(default_factory=list)
    groups: dict[str, Group] = field(default_factory=dict)
    size: int = 0
    next_id: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(6), 1))

    def add(
        self,
        group: str | None,
        platform: int,
        names: pa.Array,
        followers: I64,
        *,
        kind: int,
        verified: npt.NDArray[np.int8] | None = None,
        handles: pa.Array | None = None,
        joined: npt.NDArray[np.int32] | None = None,
        tier: npt.NDArray[np.int8] | None = None,
        weights: F64 | None = None,
        ids: pa.Array | None = None,
    ) -> Group:
        n = len(followers)
        seq = np.arange(self.next_id[platform], self.next_id[platform] + n, dtype=np.int64)
        self.next_id[platform] += n
        if ids is None:
            ids = _platform_ids(platform, seq)
        self.ids.append(ids)
        self.names.append(names)
        self.handles.append(handles if handles is not None else constant("", n))
        self.joined.append(joined if joined is not None else np.full(n, -1, np.int32))
        self.followers.append(followers.astype(np.int64))
        self.verified.append(verified if verified is not None else np.zeros(n, np.int8))
        self.kind.append(np.full(n, kind, np.int8))
        self.platform.append(np.full(n, platform, np.int8))
        self.tier.append(tier if tier is not None else np.full(n, -1, np.int8))
        w = np.ones(n) if weights is None else weights
        cdf = np.cumsum(w) / w.sum()
        g = Group(self.size, self.size + n, cdf)
        self.size += n
        if group is not None:
            self.groups[group] = g
        return g

    def joined_day(self, days_before: I64) -> npt.NDArray[np.int32]:
        return (self.start_day - days_before).astype(np.int32)

    def build(self, brand_account: dict[tuple[int, int], int], big: I64) -> Authors:
        return Authors(
            ids=pa.concat_arrays(self.ids),
            names=pa.concat_arrays(self.names),
            handles=pa.concat_arrays(self.handles),
            joined=np.concatenate(self.joined),
            followers=np.concatenate(self.followers),
            verified=np.concatenate(self.verified),
            kind=np.concatenate(self.kind),
            platform=np.concatenate(self.platform),
            tier=np.concatenate(self.tier),
            groups=self.groups,
            brand_account=brand_account,
            big_pages=big,
        )


def _platform_ids(platform: int, seq: I64) -> pa.Array:
    if platform == FB:
        return numeric_ids("1000", seq + 10_000_000_000, 11)
    if platform == TT:
        return numeric_ids("68", seq * 7919 + 10**15, 17)
    if platform == YT:
        return join(["UC", b64_ids(seq + 77, 22)])
    if platform == FORUM:
        return numeric_ids("", seq + 1000, 1)
    if platform == REVIEW:
        return numeric_ids("u", seq + 50_000, 1)
    return numeric_ids("n", seq, 1)


@lru_cache(maxsize=1)
def _name_parts() -> tuple[pa.Array, dict[str, tuple[int, int]]]:
    """A small pool of name parts: (pool, {part list: (first id, count)})."""
    v = vocab().raw["names"]
    lists = {
        "family": list(v["family"]),
        "middle": list(v["middle_f"]) + list(v["middle_m"]),
        "given": list(v["given_f"]) + list(v["given_m"]),
        "nick": list(v["nicknames"]),
        "decor": list(v["name_decor"]),
        "sep": [" ", ".", "_"],
    }
    for key in ("family", "middle", "given"):
        lists[key + "_fold"] = [fold(x) for x in lists[key]]
        lists[key + "_handle"] = [fold(x).lower().replace(" ", "") for x in lists[key]]
    lists["year"] = [f"{y % 100:02d}" for y in range(85, 112)]
    values = [""]
    where: dict[str, tuple[int, int]] = {}
    for key, items in lists.items():
        where[key] = (len(values), len(items))
        values.extend(items)
    return pa.array(values, pa.string()), where


def person_names(rng: np.random.Generator, n: int) -> tuple[pa.Array, pa.Array]:
    """Vietnamese display names in social-media variety, and login-style handles."""
    pool, w = _name_parts()
    v = vocab().raw["names"]
    nmf, ngf = len(v["middle_f"]), len(v["given_f"])
    male = rng.random(n) < 0.48
    f = rng.integers(0, w["family"][1], n)
    m = rng.integers(0, nmf, n) + np.where(male, nmf, 0)
    g = rng.integers(0, ngf, n) + np.where(male, ngf, 0)

    def part(key: str, i: npt.NDArray[np.integer]) -> I64:
        return (w[key][0] + i).astype(np.int64)

    F, M, G = part("family", f), part("middle", m), part("given", g)
    Ff, Mf, Gf = part("family_fold", f), part("middle_fold", m), part("given_fold", g)
    D = part("decor", rng.integers(0, w["decor"][1], n))
    K = part("nick", rng.integers(0, w["nick"][1], n))
    sp = np.full(n, w["sep"][0], np.int64)
    # "Nguyễn Thu Hà", "Thu Hà", "Hà Nguyễn", "Nguyen Thu Ha", "Bống 🌸", "Nguyễn Hà ✨"
    variants = (
        (F, sp, M, sp, G),
        (M, sp, G),
        (G, sp, F),
        (Ff, sp, Mf, sp, Gf),
        (K, D),
        (F, sp, G, D),
    )
    choice = rng.choice(len(variants), n, p=[0.45, 0.12, 0.13, 0.10, 0.08, 0.12])
    ids = np.zeros((n, 5), np.int64)
    for k, cols in enumerate(variants):
        rows = np.flatnonzero(choice == k)
        for j, col in enumerate(cols):
            ids[rows, j] = col[rows]
    names = materialise(pool, ids)
    seps = w["sep"][0] + np.array([1, 2, 0])[rng.integers(0, 3, n)]
    seps = np.where(seps == w["sep"][0], 0, seps)  # no separator
    year = np.where(rng.random(n) < 0.6, part("year", rng.integers(0, w["year"][1], n)), 0)
    handles = materialise(
        pool, np.stack([part("given_handle", g), seps, part("family_handle", f), year], axis=1)
    )
    return names, handles


def _kol_names(rnd: random.Random, n: int) -> list[str]:
    raw = vocab().raw
    givens = list(raw["names"]["given_f"]) + list(raw["names"]["given_m"])
    patterns = list(raw["kol"]["patterns"])
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        name = rnd.choice(patterns).replace("{G}", rnd.choice(givens))
        if name in seen:
            name = f"{name} {rnd.choice(['TV', 'Official', 'Channel', 'Daily', 'Plus'])}"
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def _strs(values: Sequence[str]) -> pa.Array:
    return pa.array(list(values), pa.string())


def build_authors(
    seed: int, scale: float, start_day: int, seed_windows: Sequence[tuple[int, int, int]]
) -> Authors:
    """The author table for one configuration.

    ``seed_windows`` lists the seeding campaigns as (first day of the campaign in days
    since epoch, facebook accounts, review-site accounts).
    """
    rng = np.random.default_rng([seed, 0xA07])
    rnd = random.Random(seed * 1_000_003 + 7)  # noqa: S311 (synthetic data, not security)
    b = _Builder(rng, start_day)
    pool_scale = max(scale, 0.01) ** 0.75

    # persons, per platform
    sizes = {FB: 30_000, TT: 16_000, YT: 6_000, FORUM: 3_000, REVIEW: 6_000}
    for p, base in sizes.items():
        n = max(200, round(base * pool_scale))
        names, handles = person_names(rng, n)
        if p == FB:
            fol = np.exp(rng.normal(5.4, 1.3, n))
            fol[rng.random(n) < 0.45] = -1
        elif p == TT:
            fol = np.exp(rng.normal(4.6, 1.9, n))
        elif p == YT:
            fol = np.exp(rng.normal(2.5, 2.0, n))
        elif p == REVIEW:
            fol = np.exp(rng.normal(2.5, 1.3, n))
        else:
            fol = np.full(n, -1.0)
        fol = np.where(fol < 0, -1, np.minimum(fol, 250_000)).astype(np.int64)
        if p in (FORUM, REVIEW):
            names = handles if p == FORUM else names
        joined = None
        if p in (FB, TT):
            max_age = 12 * 365 if p == FB else 6 * 365
            joined = b.joined_day(rng.integers(60, max_age, n))
        weights = np.minimum((1.0 - rng.random(n)) ** (-1 / 1.3), 400.0)
        b.add(
            f"person:{p}",
            p,
            names,
            fol,
            kind=PERSON,
            handles=handles if p == TT else None,
            joined=joined,
            weights=weights,
        )

    # KOLs of every tier on facebook, tiktok, youtube
    for p, counts in KOL_COUNTS.items():
        for t, count in enumerate(counts):
            lo, hi = TIER_BOUNDS[t]
            fol = np.exp(rng.uniform(np.log(lo), np.log(hi - 1), count)).astype(np.int64)
            names = _kol_names(rnd, count)
            verified_p = (0.0, 0.1, 0.5, 0.85)[t]
            verified = (rng.random(count) < verified_p).astype(np.int8)
            handles = pc.utf8_lower(
                pc.replace_substring_regex(_strs([fold(x) for x in names]), r"[^A-Za-z0-9]", "")
            )
            b.add(
                f"kol:{p}:{t}",
                p,
                _strs(names),
                fol,
                kind=PERSON,
                verified=verified,
                handles=handles if p == TT else None,
                tier=np.full(count, t, np.int8),
                weights=fol.astype(np.float64) ** 0.3,
            )
        tiers = [b.groups[f"kol:{p}:{t}"] for t in range(4)]
        start, stop = tiers[0].start, tiers[-1].stop
        fol_all = np.concatenate(b.followers[-4:])
        w = fol_all.astype(np.float64) ** 0.3
        b.groups[f"kol:{p}"] = Group(start, stop, np.cumsum(w) / w.sum())

    # community, review and drama pages
    raw = vocab().raw
    page_rows = [item.split("|") for item in raw["pages"]["items"]]
    big_names = set(raw["pages"]["big"])
    big: list[int] = []
    for p in (FB, TT, YT):
        rows = [r for r in page_rows if PLATFORMS.index(r[2]) == p]
        fol = np.array([int(r[1]) for r in rows], np.int64)
        g = b.add(
            f"page:{p}",
            p,
            _strs([r[0] for r in rows]),
            fol,
            kind=PAGE,
            verified=(fol >= 1_000_000).astype(np.int8),
            handles=_strs([fold(r[0]).lower().replace(" ", "") for r in rows]) if p == TT else None,
            weights=fol.astype(np.float64) ** 0.5,
        )
        big.extend(g.start + i for i, r in enumerate(rows) if r[0] in big_names)

    # news outlets: the sites, and their facebook pages
    outlets = [item.split("|") for item in raw["news"]["items"]]
    n_out = len(outlets)
    b.add(
        "news:site",
        NEWS,
        _strs([o[0] for o in outlets]),
        np.full(n_out, -1, np.int64),
        kind=NEWS_KIND,
        verified=np.full(n_out, -1, np.int8),
        ids=_strs([o[1] for o in outlets]),
    )
    fol = np.array([int(o[2]) for o in outlets], np.int64)
    b.add(
        "news:fb",
        FB,
        _strs([o[0] for o in outlets]),
        fol,
        kind=NEWS_KIND,
        verified=np.ones(n_out, np.int8),
        weights=fol.astype(np.float64) ** 0.5,
    )

    # brand accounts
    brand_account: dict[tuple[int, int], int] = {}
    for bi, brand in enumerate(BRANDS):
        for p, fol_n in zip((FB, TT, YT), brand.followers, strict=True):
            g = b.add(
                None,
                p,
                _strs([brand.name]),
                np.array([fol_n], np.int64),
                kind=BRAND_KIND,
                verified=np.ones(1, np.int8),
                handles=_strs([fold(brand.name).lower().replace(" ", "")]) if p == TT else None,
            )
            brand_account[(bi, p)] = g.start
        g = b.add(
            None,
            REVIEW,
            _strs([f"{brand.name} (Chủ quán)"]),
            np.array([-1], np.int64),
            kind=BRAND_KIND,
            verified=np.ones(1, np.int8),
        )
        brand_account[(bi, REVIEW)] = g.start

    # young, low-follower accounts that post seeding content
    for k, (first_day, n_fb, n_rv) in enumerate(seed_windows):
        for p, n in ((FB, n_fb), (REVIEW, n_rv)):
            names, _ = person_names(rng, n)
            fol = np.minimum(np.exp(rng.normal(3.2, 1.0, n)), 300).astype(np.int64)
            age = (start_day - first_day) + rng.integers(5, 45, n)
            b.add(
                f"seed:{k}:{p}",
                p,
                names,
                fol,
                kind=PERSON,
                joined=b.joined_day(age.astype(np.int64)),
                weights=rng.uniform(0.5, 1.5, n),
            )
    return b.build(brand_account, np.array(sorted(big), np.int64))
