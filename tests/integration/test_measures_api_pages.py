"""``GET /api/v1/measures`` in pages: limit, offset, total, the next page, the list's filters."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.municipalities.models import Municipality
from app.portfolio.models import Measure, Participation


def _page(client: TestClient, query: str) -> dict[str, Any]:
    answer = client.get(f"/api/v1/measures{query}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert answer.headers["X-Total-Count"] == str(body["total"])
    return body


def _walk(client: TestClient, first: str) -> tuple[list[str], int]:
    """Every code on every page, following ``next`` (bounded), and the number of pages."""
    codes: list[str] = []
    url: str | None = f"/api/v1/measures{first}"
    pages = 0
    while url is not None and pages < 50:
        answer = client.get(url)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        codes += [item["code"] for item in body["items"]]
        url = body["next"]
        if url is not None:
            assert answer.headers["Link"] == f'<{url}>; rel="next"'
        else:
            assert "Link" not in answer.headers
        pages += 1
    return codes, pages


def _html_codes(client: TestClient, query: str) -> list[str]:
    """The codes the HTML measures list shows for the same filters (all its pages)."""
    codes: list[str] = []
    for page in range(1, 20):
        html = client.get(f"/massnahmen{query}&seite={page}").text
        found = re.findall(r'href="/massnahmen/([A-Z0-9-]+)"', html)
        new = [c for c in dict.fromkeys(found) if c not in codes]
        if not new:
            break
        codes += new
    return codes


def test_pages_walk_every_running_measure_once_in_code_order(
    signed_in: TestClient, session: Session
) -> None:
    running = sorted(
        session.exec(select(Measure.code).where(col(Measure.archived).is_(False))).all()
    )
    assert len(running) > 7
    first = _page(signed_in, "?limit=7")
    assert first["total"] == len(running)
    assert (first["limit"], first["offset"]) == (7, 0)
    assert [item["code"] for item in first["items"]] == running[:7]
    codes, pages = _walk(signed_in, "?limit=7")
    assert codes == running
    assert pages == -(-len(running) // 7)


def test_the_default_page_is_25_and_the_last_page_has_no_next(
    signed_in: TestClient, session: Session
) -> None:
    body = _page(signed_in, "")
    assert body["limit"] == 25 and body["offset"] == 0
    assert len(body["items"]) == min(25, body["total"])
    beyond = _page(signed_in, f"?offset={body['total']}")
    assert beyond["items"] == [] and beyond["next"] is None
    assert beyond["total"] == body["total"]


@pytest.mark.parametrize(
    "query",
    [
        "?kommune=erbach",
        "?kommune=oberzent&status=in_umsetzung",
        "?kommune=alle&sort=titel&richtung=ab",
        "?kommune=alle&ampel=gelb",
        "?kommune=alle&beispiel=nein",
        "?kommune=alle&q=digital",
        "?kommune=alle&archiviert=1",
        "?kommune=michelstadt&beschluss=offen",
        "?kommune=alle&sort=fortschritt&richtung=ab",
    ],
)
def test_the_api_finds_what_the_measures_list_shows(signed_in: TestClient, query: str) -> None:
    shown = _html_codes(signed_in, query)
    assert shown or "archiviert" in query  # the seed archives nothing
    api_query = query.replace("archiviert=1", "archiviert=true")
    codes, _ = _walk(signed_in, f"{api_query}&limit=5")
    assert codes == shown


def test_a_municipality_filter_finds_led_and_joined_measures(
    signed_in: TestClient, session: Session
) -> None:
    erbach = session.exec(select(Municipality).where(Municipality.slug == "erbach")).one()
    joined = set(
        session.exec(
            select(Measure.code)
            .join(Participation, col(Participation.measure_id) == col(Measure.id))
            .where(Participation.municipality_id == erbach.id, col(Measure.archived).is_(False))
        ).all()
    )
    led = set(
        session.exec(
            select(Measure.code).where(
                Measure.lead_municipality_id == erbach.id, col(Measure.archived).is_(False)
            )
        ).all()
    )
    codes, _ = _walk(signed_in, "?kommune=erbach&limit=100")
    assert set(codes) == joined | led
    assert all(
        item["lead"] == "erbach" or "erbach" in item["participants"]
        for item in _page(signed_in, "?kommune=erbach&limit=100")["items"]
    )
    assert _page(signed_in, "?kommune=gibt-es-nicht")["total"] == 0


def test_the_next_page_keeps_the_filters(signed_in: TestClient) -> None:
    body = _page(signed_in, "?kommune=alle&sort=titel&limit=3")
    assert body["next"] is not None
    assert "sort=titel" in body["next"] and "offset=3" in body["next"] and "limit=3" in body["next"]


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("?limit=0", "limit", "zu klein"),
        ("?limit=101", "limit", "zu groß"),
        ("?limit=zehn", "limit", "ganze Zahl"),
        ("?offset=-1", "offset", "zu klein"),
        ("?status=erledigt", "status", "nicht erlaubt"),
        ("?ampel=blau", "ampel", "nicht erlaubt"),
        ("?jahr=1999", "jahr", "zu klein"),
        ("?sort=preis", "sort", "nicht erlaubt"),
        ("?kommune=Erbach%2F1", "kommune", ""),
        ("?q=%00", "q", "Zeichen"),
        ("?q=" + "x" * 101, "q", "zu lang"),
        ("?archiviert=vielleicht", "archiviert", "ja oder nein"),
    ],
)
def test_bad_parameters_are_a_german_422_naming_them(
    signed_in: TestClient, query: str, parameter: str, message: str
) -> None:
    answer = signed_in.get(f"/api/v1/measures{query}")
    assert answer.status_code == 422, answer.text
    errors = answer.json()["errors"]
    assert parameter in errors
    assert message in errors[parameter]


def test_a_page_costs_a_fixed_number_of_statements(signed_in: TestClient, counter: Any) -> None:
    signed_in.get("/api/v1/measures?limit=2")  # the session's first request loads the user
    counter.count = 0
    signed_in.get("/api/v1/measures?limit=2")
    small = counter.count
    counter.count = 0
    signed_in.get("/api/v1/measures?limit=20")
    assert counter.count == small
