"""Speed and sanity of seeding detection on 100k comments.

    .venv/bin/python bench/bench_seeding.py [--n 100000] [--real]

Builds ``--n`` varied synthetic Vietnamese comments (deterministic, seed 7) with one
planted campaign (the same praise with small edits by 8 accounts) and one single-author
flood (one account posting the same text 6 times), runs :func:`find_seeding` and prints
the wall time, texts/s and what was found. With ``--real`` (and ../shared/data present)
it also runs on up to ``--n`` real comments from the shared train splits, every comment
given its own author, and reports how many clusters that innocent corpus produces
(formulaic reviews such as Shopee's suggested phrases do form clusters).

Writes ``bench/results/seeding.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import time
import timeit
from pathlib import Path

from tinhieu.nlp.seeding import SeedingCluster, find_seeding

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "data"


def _split(words: str) -> list[str]:
    """The whitespace-separated words of ``words``."""
    return words.split()


_VOCAB = _split(
    "sản phẩm dùng tốt giao hàng nhanh đóng gói cẩn thận shop tư vấn nhiệt tình mình mua "
    "lần thứ hai rồi chất lượng ổn giá hơi cao màu đẹp size vừa áo quần giày dép son kem "
    "da mặt mịn thơm lâu pin trâu máy chạy mượt camera chụp nét điện thoại ship chậm hỏng "
    "lỗi đổi trả bảo hành nhân viên thân thiện quán ngon trà sữa cà phê bánh ngọt ăn uống "
    "phục vụ không gian rộng sạch sẽ hôm qua tuần trước con gái mẹ bạn bè thích lắm quá "
    "ghê thật sự cũng được bình thường thất vọng hài lòng ủng hộ tiếp ko đc vl cx sp bít "
    "iu mn r xinh xỉu đỉnh chóp xịn sò rẻ đắt hời sale voucher freeship hà nội sài gòn đà "
    "nẵng tiktok facebook shopee lazada livestream idol ca sĩ phim nhạc trận đấu đội "
    "tuyển"
)
_CAMPAIGN = [
    "Mình dùng serum này được 2 tuần rồi, da mịn hẳn, mụn giảm rõ rệt, mọi người nên mua nha",
    "mình dùng serum này đc 2 tuần r, da mịn hẳn, mụn giảm rõ rệt, mn nên mua nha 😍",
    "Mình dùng serum này được 2 tuần rồi, da mịn hẳn luôn, mụn giảm rõ rệt, mọi người nên mua",
    "Mình dùng serum này được hai tuần rồi, da mịn hẳn, mụn giảm rõ rệt, mọi người nên mua!!",
    "MÌNH DÙNG SERUM NÀY ĐƯỢC 2 TUẦN RỒI, DA MỊN HẲN, MỤN GIẢM RÕ RỆT, MỌI NGƯỜI NÊN MUA NHA",
    "Mình dùng serum này được 2 tuần rồi nè, da mịn hẳn, mụn giảm rõ, mọi người nên mua nha",
    "mik dùng serum này đc 2 tuần rồi, da mịn hẳn, mụn giảm rõ rệt, mọi người nên mua nhé ạ",
    "Mình dùng serum này được 2 tuần rồi, da mịn hẳn, mụn giảm rõ rệt, cả nhà nên mua nha",
]


def synthetic(n: int) -> tuple[list[str], list[str | None], set[int], set[int]]:
    rng = random.Random(7)
    texts: list[str] = []
    authors: list[str | None] = []
    for i in range(n - len(_CAMPAIGN) - 6):
        k = rng.randint(2, 35)
        texts.append(" ".join(rng.choice(_VOCAB) for _ in range(k)))
        authors.append(f"user{i}")
    planted: set[int] = set()
    flood: set[int] = set()
    for j, t in enumerate(_CAMPAIGN):
        p = rng.randint(0, len(texts))
        texts.insert(p, t)
        authors.insert(p, f"seed{j}")
    for _ in range(6):
        p = rng.randint(0, len(texts))
        texts.insert(p, "Quán này đồ ăn ngon, nhân viên dễ thương, giá hợp lý, sẽ quay lại")
        authors.insert(p, "one_account")
    for i, t in enumerate(texts):
        if "serum" in t.lower():
            planted.add(i)
        elif t.startswith("Quán này đồ ăn ngon, nhân viên"):
            flood.add(i)
    return texts, authors, planted, flood


def real(n: int) -> list[str]:
    texts: list[str] = []
    for name in (
        "vispamreviews",
        "uit_vihsd",
        "aivivn_2019_sentiment",
        "uit_vsfc",
        "uit_visfd",
        "vihos",
        "vilexnorm",
        "uit_vsmec",
    ):
        path = SHARED / name / "train.jsonl"
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as f:
            for line in f:
                texts.append(json.loads(line)["text"])
    return texts[:n]


def timed(
    texts: list[str], authors: list[str | None], shingle_size: int = 2
) -> tuple[float, float, list[SeedingCluster]]:
    """(wall seconds, CPU seconds of this process, clusters)."""
    t0, c0 = time.perf_counter(), time.process_time()
    clusters = find_seeding(texts, authors, shingle_size=shingle_size)
    return time.perf_counter() - t0, time.process_time() - c0, clusters


def calibration_us() -> float:
    """µs for ``sum(range(1000))``: how fast (or loaded) this machine is right now."""
    return min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--real", action="store_true")
    args = parser.parse_args()
    out: dict[str, object] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus, "
        f"python {platform.python_version()}",
        "n": args.n,
        "calibration_sum_range_1000_us": round(calibration_us(), 1),
    }
    texts, authors, planted, flood = synthetic(args.n)
    timed(texts[:2000], authors[:2000])  # warm the lexicons
    results: dict[str, dict[str, object]] = {}
    for k in (2, 3):
        wall, cpu, clusters = timed(texts, authors, shingle_size=k)
        found = [c for c in clusters if planted & set(c.members)]
        recall = len(planted & set(found[0].members)) / len(planted) if found else 0.0
        results[f"synthetic_shingle{k}"] = {
            "wall_s": round(wall, 2),
            "cpu_s": round(cpu, 2),
            "texts_per_cpu_s": round(len(texts) / cpu),
            "clusters": len(clusters),
            "campaign_recall": round(recall, 3),
            "single_author_flood_flagged": any(flood & set(c.members) for c in clusters),
            "other_clusters": len(clusters) - len(found),
        }
        print(f"synthetic n={len(texts)} shingle={k}: {results[f'synthetic_shingle{k}']}")
    if args.real and SHARED.exists():
        rtexts = real(args.n)
        rauthors: list[str | None] = [f"a{i}" for i in range(len(rtexts))]
        for k in (2, 3):
            wall, cpu, clusters = timed(rtexts, rauthors, shingle_size=k)
            key = f"real_shingle{k}"
            results[key] = {
                "n": len(rtexts),
                "wall_s": round(wall, 2),
                "cpu_s": round(cpu, 2),
                "texts_per_cpu_s": round(len(rtexts) / cpu),
                "clusters": len(clusters),
                "texts_in_clusters": sum(len(c.members) for c in clusters),
                "largest": [
                    {"size": len(c.members), "similarity": c.similarity, "example": c.example[:80]}
                    for c in clusters[:8]
                ],
            }
            line = json.dumps(results[key], ensure_ascii=False)
            print(f"real n={len(rtexts)} shingle={k}: {line}")
    out["results"] = results
    dest = HERE / "results" / "seeding.json"
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {dest}")


if __name__ == "__main__":
    main()
