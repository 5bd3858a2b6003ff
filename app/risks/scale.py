"""The risk scale in one place: the German anchors of probability and impact, the score, and
where "hoch" begins (the matrix, the lists, the measures list's filter and the legend read it
from here).

A risk counts at its *current* rating: once a mitigation is recorded with a residual probability
and impact, the residual ones; until then the gross ones. Closed risks count nowhere.
"""

from __future__ import annotations

from typing import Any

from app.core.enums import RiskStatus, label

PROBABILITY_ANCHORS: dict[int, str] = {
    1: "sehr unwahrscheinlich",
    2: "unwahrscheinlich",
    3: "möglich",
    4: "wahrscheinlich",
    5: "sehr wahrscheinlich",
}
IMPACT_ANCHORS: dict[int, str] = {
    1: "unbedeutend",
    2: "gering",
    3: "spürbar",
    4: "erheblich",
    5: "schwerwiegend",
}
LEVELS = tuple(range(1, 6))

# A score (probability × impact) from HIGH_SCORE on is "hoch", from MEDIUM_SCORE on "mittel".
HIGH_SCORE = 15
MEDIUM_SCORE = 8


def score(probability: int, impact: int) -> int:
    return probability * impact


def severity(value: int) -> str:
    """``hoch``, ``mittel`` or ``niedrig`` for a score."""
    if value >= HIGH_SCORE:
        return "hoch"
    if value >= MEDIUM_SCORE:
        return "mittel"
    return "niedrig"


SEVERITY_LABELS = {
    "hoch": f"hoch (ab {HIGH_SCORE} Punkten)",
    "mittel": f"mittel ({MEDIUM_SCORE} bis {HIGH_SCORE - 1} Punkte)",
    "niedrig": f"niedrig (bis {MEDIUM_SCORE - 1} Punkte)",
}


def template_context() -> dict[str, Any]:
    """The anchors, the threshold and the legend every risk template shows."""
    return {
        "levels": LEVELS,
        "probability_anchors": PROBABILITY_ANCHORS,
        "impact_anchors": IMPACT_ANCHORS,
        "high_score": HIGH_SCORE,
        "severity_labels": SEVERITY_LABELS,
        "severity_of": severity,
        "risk_status_options": [(s.value, label(s)) for s in RiskStatus],
    }
