"""KOL and influencer intelligence: author profiles, audience quality, relevance,
influence and discovery (``docs/kol.md``). Every number carries its formula."""

from __future__ import annotations

from tinhieu.kol.find import Ranked, find_kols
from tinhieu.kol.influence import Influence, influence
from tinhieu.kol.profiles import Profile, load_profiles
from tinhieu.kol.quality import AudienceQuality, audience_quality

__all__ = [
    "AudienceQuality",
    "Influence",
    "Profile",
    "Ranked",
    "audience_quality",
    "find_kols",
    "influence",
    "load_profiles",
]
