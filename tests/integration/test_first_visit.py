"""A first visit: the start page says what the application is and offers one way to sign in;
Impressum and Datenschutz are a click away from every page; the browser finds an icon."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.config import get_settings
from app.pages import legal
from tests.conftest import sign_in


def _visible(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_visitors_see_what_this_is_and_one_way_in(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200, "no detour to a bare login form"
    text = _visible(page.text)
    assert "Digitalstrategie" in text
    for town in ("Erbach", "Michelstadt", "Oberzent", "Brombachtal"):
        assert town in text
    assert page.text.count('href="/login"') == 1, "one way to sign in, not three"
    assert "HF1-M01" not in text, "nothing of the portfolio is shown to visitors"
    for legal_link in ('href="/impressum"', 'href="/datenschutz"', 'href="/barrierefreiheit"'):
        assert legal_link in page.text


def test_the_login_page_says_sign_in_once_in_its_content(client: TestClient) -> None:
    page = client.get("/login")
    header = page.text.split("<main", 1)[0]
    assert 'href="/login"' not in header, "no sign-in link in the header of the sign-in page"
    assert "Digitalstrategie" in _visible(page.text)


@pytest.mark.parametrize(
    ("path", "heading"), [("/impressum", "Impressum"), ("/datenschutz", "Datenschutzerklärung")]
)
def test_legal_pages_for_visitors_and_users(client: TestClient, path: str, heading: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert f">{heading}</h1>" in page.text
    assert "Mustertext" in page.text, "the shipped sample says that it is one"
    sign_in(client, "digital.erbach")
    signed_in = client.get(path)
    assert signed_in.status_code == 200 and "Abmelden" in signed_in.text


def test_the_operator_s_texts_replace_the_sample(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "texte.yaml"
    own.write_text(
        "impressum:\n  title: Impressum\n  sections:\n"
        '    - heading: Angaben\n      paragraphs: ["Kreisstadt Erbach, Neckarstraße 3"]\n'
        "datenschutz:\n  title: Datenschutzerklärung\n  sections: []\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("IKZ_SITE_TEXTS", str(own))
    get_settings.cache_clear()
    try:
        page = client.get("/impressum")
        assert "Kreisstadt Erbach, Neckarstraße 3" in page.text
        assert "Mustertext" not in page.text
    finally:
        monkeypatch.delenv("IKZ_SITE_TEXTS")
        get_settings.cache_clear()
        legal._load.cache_clear()


def test_the_browser_finds_an_icon(client: TestClient) -> None:
    answer = client.get("/favicon.ico", follow_redirects=False)
    assert answer.status_code == 301
    icon = client.get(answer.headers["location"])
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in icon.text
