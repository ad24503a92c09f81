"""Throughput of the two execution paths on synthetic Vietnamese comments.

Not a test (pytest does not collect it); run it by hand::

    .venv/bin/python bench/bench_query.py [rows]

The comments are 14-26 words drawn with a Zipf law from a vocabulary of the words the
queries use plus a few thousand generated Vietnamese syllables (about 90 characters, a
third with punctuation, some emoji and hashtags). It prints rows/s of
``Query.match_table`` (one core) and the time DuckDB takes to count the rows matching
``Query.to_sql()`` in a ``mentions`` table of that many rows.
"""

from __future__ import annotations

import itertools
import random
import sys
import time
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from tinhieu.query import compile_query
from tinhieu.store import open_store

COMMON = [
    *[
        "mình",
        "đặt",
        "hàng",
        "hôm",
        "thứ",
        "hai",
        "mà",
        "đến",
        "giờ",
        "vẫn",
        "chưa",
        "thấy",
        "giao",
        "shop",
        "làm",
        "ăn",
        "kiểu",
        "gì",
        "vậy",
    ],
    *[
        "trời",
        "ơi",
        "chán",
        "quá",
        "không",
        "bao",
        "giờ",
        "mua",
        "nữa",
        "ship",
        "chậm",
        "lâu",
        "nhân",
        "viên",
        "nhiệt",
        "tình",
    ],
    *[
        "sản",
        "phẩm",
        "tốt",
        "đóng",
        "gói",
        "cẩn",
        "thận",
        "giá",
        "hợp",
        "lý",
        "sẽ",
        "ủng",
        "hộ",
        "tiếp",
        "cà",
        "phê",
        "ngon",
        "bánh",
        "mì",
    ],
    *[
        "highlands",
        "phúc",
        "long",
        "đà",
        "nẵng",
        "hà",
        "nội",
        "sài",
        "gòn",
        "ok",
        "nha",
        "mn",
        "ib",
        "nhé",
        "dc",
        "ko",
        "k",
    ],
]
ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "nh", "ph"]
ONSETS += ["qu", "r", "s", "t", "th", "tr", "v", "x"]
RIMES = ["a", "ai", "an", "ang", "anh", "ao", "at", "ay", "e", "em", "en", "i", "ich", "inh"]
RIMES += ["o", "oi", "on", "ong", "u", "ui", "un", "ung", "uong", "uoi", "ut", "ư", "ương"]
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
EXTRAS = ["", "", "", " 😡😡", " ❤️", "!!!", " #highlands", " @shopee_vn", "...", " 👍"]

QUERIES = [
    '("giao hàng" OR ship) NEAR/3 (chậm OR "lâu quá") AND NOT platform:news',
    'highlands OR #highlands OR "phúc long" OR starbucks',
    '(ship OR "giao hàng") AND (chậm OR lâu OR "chưa thấy") AND NOT "nhân viên"',
    '"sản phẩm" AND (tốt OR "hợp lý" OR "cẩn thận") AND lang:vi',
    "(cà* OR bánh*) NEAR/5f (ngon OR =ngon) AND kind:comment",
    # no prefilter: every row is tokenised
    'NOT (ship OR "giao hàng" OR #highlands) AND NOT =ngon',
]


def vocabulary() -> list[str]:
    import unicodedata

    syllables = {
        unicodedata.normalize("NFC", o + r + t)
        for o, r, t in itertools.product(ONSETS, RIMES, TONES)
    }
    rest = sorted(syllables - set(COMMON))
    random.Random(3).shuffle(rest)
    return [*rest[:40], *COMMON, *rest[40:]]  # common words rank 41-110


def make_rows(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    vocab = vocabulary()
    weights = [1 / (rank + 1) for rank in range(len(vocab))]
    rows = []
    for i in range(n):
        words = rnd.choices(vocab, weights, k=rnd.randint(14, 26))
        if rnd.random() < 0.3:
            words[0] = words[0].capitalize()
        text = " ".join(words)
        if rnd.random() < 0.3:
            text = text.replace(" ", ", ", 1)
        rows.append(
            {
                "workspace": "bench",
                "platform": rnd.choice(["facebook", "tiktok", "news", "forum"]),
                "source_id": str(i),
                "kind": rnd.choice(["post", "comment", "comment", "reply"]),
                "text": text + rnd.choice(EXTRAS),
                "title": None,
                "language": "vi",
                "created_at": datetime(2024, 5, 1, tzinfo=UTC),
            }
        )
    return rows


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rows = make_rows(n)
    table = pa.Table.from_pylist(rows)
    avg = sum(len(str(r["text"])) for r in rows) / n
    print(f"{n} rows, {avg:.0f} characters of text on average")
    for text in QUERIES:
        q = compile_query(text)
        q.match_table(table.slice(0, 1000))  # warm the token cache
        start = time.perf_counter()
        flags = q.match_table(table)
        elapsed = time.perf_counter() - start
        hits = sum(1 for f in flags.to_pylist() if f)
        print(f"memory {n / elapsed:>9,.0f} rows/s {hits:>8} hits  {text}")
    store = open_store(":memory:")
    for start in range(0, n, 200_000):
        store.upsert_mentions(table.slice(start, 200_000))
    for text in QUERIES:
        condition, params = compile_query(text).to_sql()
        start = time.perf_counter()
        row = store.fetch_all(f"SELECT count(*) FROM mentions WHERE {condition}", params)
        elapsed = time.perf_counter() - start
        print(f"sql    {elapsed * 1000:>9,.0f} ms     {row[0][0]:>8} hits  {text}")


if __name__ == "__main__":
    main()
