"""Early warning: detectors, signals, crisis stages, projections, alerts, the brief."""

from tinhieu.signals.model import (
    SIGNAL_KINDS,
    STAGES,
    Evidence,
    EvidenceAuthor,
    EvidenceMention,
    Signal,
)

__all__ = ["SIGNAL_KINDS", "STAGES", "Evidence", "EvidenceAuthor", "EvidenceMention", "Signal"]
