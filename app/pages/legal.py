"""Impressum and Datenschutzerklärung: every German public website needs both. Their texts are
the operator's (``IKZ_SITE_TEXTS``, a YAML file); the application ships a sample with
placeholders in square brackets."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from app.core.config import get_settings

SAMPLE = Path(__file__).with_name("texts") / "site.yaml"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    heading: str
    paragraphs: list[str]


class LegalPage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    sections: list[Section]


class SiteTexts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sample: bool = False  # still the shipped sample: the pages say so
    impressum: LegalPage
    datenschutz: LegalPage


@lru_cache(maxsize=4)
def _load(path: str) -> SiteTexts:
    with open(path, encoding="utf-8") as handle:
        return SiteTexts.model_validate(yaml.safe_load(handle))


def site_texts() -> SiteTexts:
    """The configured texts (read once per file; a broken file stops with its validation error)."""
    return _load(get_settings().site_texts or str(SAMPLE))
