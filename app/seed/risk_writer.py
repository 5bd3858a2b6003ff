"""Seed writer of the risk register: risks*.yaml, found again by measure and title. Every seeded
risk is illustrative and stored as Beispieldaten."""

from __future__ import annotations

from app.risks.models import Risk
from app.seed.reader import SeedFiles
from app.seed.writer import SeedWriter


def write_risks(writer: SeedWriter, files: SeedFiles, leads: dict[str, str]) -> None:
    """``leads``: the lead municipality's slug per measure code (the default owner)."""
    for _file, content in files.risks:
        for risk in content.risks:
            slug = risk.municipality or leads[risk.measure]
            writer.upsert(
                Risk,
                {"measure_id": writer.measure_ids[risk.measure], "title": risk.title},
                {
                    "cause": risk.cause,
                    "effect": risk.effect,
                    "probability": risk.probability,
                    "impact": risk.impact,
                    "residual_probability": risk.residual_probability,
                    "residual_impact": risk.residual_impact,
                    "owner": risk.owner,
                    "municipality_id": writer.municipality_ids[slug],
                    "mitigation": risk.mitigation,
                    "status": risk.status.value,
                    "review_on": risk.review,
                    "example": True,
                },
            )
