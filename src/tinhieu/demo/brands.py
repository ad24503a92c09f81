"""The fictional milk-tea / coffee chains of the demo data, and their topic queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Brand:
    key: str
    name: str
    group: str  # "brand" (ours) or "competitor"
    forms: tuple[tuple[str, float], ...]  # how people write the name, with weights
    hashtags: tuple[str, ...]
    products: tuple[str, ...]
    query: str  # topic query in the tinhieu query language
    # what a query match needs, folded to lower-case ASCII: phrases, or prefixes ending "*"
    match_terms: tuple[str, ...]
    share: float  # share of the organic brand conversation
    followers: tuple[int, int, int]  # facebook page, tiktok, youtube
    # aspect weights (price, quality, delivery, service, packaging, app, promotion, store)
    aspect_weights: tuple[float, ...]
    # P(negative), P(neutral) per aspect; positive is the rest
    negative: tuple[float, ...]
    neutral: tuple[float, ...]


BRANDS: Final[tuple[Brand, ...]] = (
    Brand(
        key="lumi",
        name="Lumi Tea",
        group="brand",
        forms=(
            ("Lumi Tea", 4),
            ("Lumi", 6),
            ("LUMI", 1),
            ("Lumi tea", 1),
            ("lumi", 2),
            ("LumiTea", 0.7),
            ("nhà Lumi", 1),
        ),
        hashtags=("#LumiTea", "#lumitea", "#LumiTea"),
        products=(
            "trà sữa trân châu hoàng kim",
            "matcha latte",
            "hồng trà sữa",
            "trà sữa khoai môn",
            "trà đào cam sả",
            "sữa tươi trân châu đường đen",
            "trà ô long kem cheese",
            "trà vải hoa hồng",
        ),
        query='(lumi* OR #lumitea OR #lumimatchafest) NOT (lumia OR "nokia lumia")',
        match_terms=("lumi*", "#lumitea", "#lumimatchafest"),
        share=0.30,
        followers=(850_000, 410_000, 38_000),
        aspect_weights=(0.12, 0.30, 0.16, 0.10, 0.05, 0.09, 0.10, 0.08),
        negative=(0.25, 0.17, 0.42, 0.22, 0.20, 0.35, 0.18, 0.15),
        neutral=(0.30, 0.25, 0.25, 0.25, 0.30, 0.30, 0.35, 0.35),
    ),
    Brand(
        key="honghac",
        name="Hồng Hạc",
        group="competitor",
        forms=(
            ("Hồng Hạc", 6),
            ("Hồng Hạc Tea", 3),
            ("trà sữa Hồng Hạc", 2),
            ("HỒNG HẠC", 1),
            ("hồng hạc", 2),
            ("HongHac", 0.5),
        ),
        hashtags=("#HongHacTea", "#honghactea", "#honghac"),
        products=(
            "trà sữa nướng",
            "hồng trà macchiato",
            "trà xoài kem cheese",
            "trà sữa thái xanh",
            "sữa tươi trân châu",
            "trà dâu tây",
            "oolong sữa",
        ),
        query='("hồng hạc" OR honghac* OR #honghactea OR #honghac) NOT ("chim hồng hạc" OR '
        '"đàn chim hồng hạc")',
        match_terms=("hong hac", "honghac*", "#honghactea", "#honghac"),
        share=0.27,
        followers=(1_200_000, 650_000, 52_000),
        aspect_weights=(0.16, 0.32, 0.12, 0.10, 0.06, 0.06, 0.10, 0.08),
        negative=(0.38, 0.12, 0.25, 0.18, 0.15, 0.25, 0.20, 0.15),
        neutral=(0.30, 0.25, 0.25, 0.25, 0.30, 0.30, 0.35, 0.35),
    ),
    Brand(
        key="gac",
        name="Gác Cà Phê",
        group="competitor",
        forms=(
            ("Gác Cà Phê", 5),
            ("Gác Coffee", 3),
            ("Gác cafe", 2),
            ("gác cf", 1),
            ("quán Gác", 2),
            ("tiệm Gác", 1),
            ("GÁC CÀ PHÊ", 0.5),
            ("GacCaPhe", 0.3),
        ),
        hashtags=("#GacCaPhe", "#gaccaphe", "#gaccoffee"),
        products=(
            "bạc xỉu",
            "cà phê muối",
            "cà phê sữa đá",
            "cold brew cam",
            "cà phê trứng",
            "americano",
            "latte",
            "trà sen vàng",
        ),
        query='"gác cà phê" OR "gác coffee" OR "gác cafe" OR "gác cf" OR "quán gác" OR '
        '"tiệm gác" OR gaccaphe OR gaccoffee OR #gaccaphe OR #gaccoffee',
        match_terms=(
            "gac ca phe",
            "gac coffee",
            "gac cafe",
            "gac cf",
            "quan gac",
            "tiem gac",
            "gaccaphe",
            "gaccoffee",
        ),
        share=0.21,
        followers=(420_000, 120_000, 15_000),
        aspect_weights=(0.12, 0.28, 0.08, 0.16, 0.04, 0.05, 0.07, 0.20),
        negative=(0.25, 0.15, 0.25, 0.36, 0.15, 0.25, 0.20, 0.10),
        neutral=(0.30, 0.25, 0.25, 0.25, 0.30, 0.30, 0.35, 0.30),
    ),
    Brand(
        key="meomap",
        name="Mèo Mập Coffee",
        group="competitor",
        forms=(
            ("Mèo Mập", 6),
            ("Mèo Mập Coffee", 3),
            ("meo map", 1),
            ("MÈO MẬP", 0.5),
            ("Mèo Mập cf", 1),
            ("MeoMap", 0.3),
        ),
        hashtags=("#MeoMapCoffee", "#meomapcoffee", "#meomap"),
        products=(
            "cà phê sữa",
            "bạc xỉu",
            "trà chanh giã tay",
            "trà tắc",
            "sữa chua đánh đá",
            "cà phê cốt dừa",
            "trà đào",
            "matcha đá xay",
        ),
        query='("mèo mập" OR meomap* OR #meomap OR #meomapcoffee) NOT ("con mèo mập" OR '
        '"bé mèo mập")',
        match_terms=("meo map", "meomap*", "#meomap", "#meomapcoffee"),
        share=0.12,
        followers=(160_000, 95_000, 4_000),
        aspect_weights=(0.22, 0.28, 0.12, 0.10, 0.05, 0.03, 0.10, 0.10),
        negative=(0.10, 0.28, 0.25, 0.20, 0.20, 0.25, 0.20, 0.20),
        neutral=(0.30, 0.25, 0.25, 0.25, 0.30, 0.30, 0.35, 0.35),
    ),
)

OUR_BRAND: Final = 0
BRAND_INDEX: Final = {b.key: i for i, b in enumerate(BRANDS)}
CATEGORY_SHARE: Final = 0.10  # share of organic roots about the category, naming no brand

CATEGORY_TOPIC: Final = (
    "Trà sữa & cà phê",
    '"trà sữa" OR "milk tea" OR milktea OR trasua OR #trasua OR #milktea OR "cà phê" OR '
    'cafe OR coffee OR caphe OR #cafe OR #caphe OR "trân châu" OR "bạc xỉu" OR matcha* OR '
    '"trà đào" OR "trà chanh" OR "cà fê" OR "quán cf" OR (uống NEAR/3 cf)',
    "category",
)


def demo_topics() -> list[tuple[str, str, str]]:
    """One topic per brand (ours in group "brand", the others "competitor") and the category."""
    topics = [(b.name, b.query, b.group) for b in BRANDS]
    topics.append(CATEGORY_TOPIC)
    return topics
