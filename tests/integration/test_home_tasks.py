"""Each role's home ("Meine Aufgaben") lists the tasks the seed gives it: the page is compared
with a computation from the seed's YAML files (tests/integration/seed_tasks.py), which shares no
code and no query with the application."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from fastapi.testclient import TestClient

from app.core.enums import label
from app.core.formatting import fmt_date
from app.core.timeutil import today
from tests.conftest import sign_in
from tests.integration import seed_tasks as expect
from tests.integration.seed_tasks import NAMES, SLUGS

ITEM = re.compile(r'<li class="task task--(\w+)">\s*<a href="([^"]+)">([^<]+)</a>')


def _sections(page: str) -> dict[str, list[tuple[str, str, str]]]:
    """Section key -> [(urgency, href, title)] in the page's order."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    for match in re.finditer(
        r'<section aria-labelledby="aufgaben-([\w-]+)" class="task-section">(.*?)</section>',
        page,
        re.DOTALL,
    ):
        found[match.group(1)] = [
            (urgency, html_lib.unescape(href), html_lib.unescape(title))
            for urgency, href, title in ITEM.findall(match.group(2))
        ]
    return found


def _home(client: TestClient, username: str) -> dict[str, list[tuple[str, str, str]]]:
    sign_in(client, username)
    response = client.get("/")
    assert response.status_code == 200
    assert "Meine Aufgaben" in response.text
    return _sections(response.text)


def _decision(href: str) -> tuple[str, str]:
    """(measure code, municipality slug) of a task that links to the measure's approval row."""
    code, _sep, anchor = href.split("/")[2].partition("#beschluss-")
    return code, anchor


def _codes(items: list[tuple[str, str, str]]) -> list[str]:
    return [href.split("/")[2].split("#")[0].split("?")[0] for _u, href, _t in items]


def _risk_reviews(sections: dict[str, list[tuple[str, str, str]]]) -> list[tuple[str, str]]:
    """(code, risk title) of the "Risiken zur Überprüfung", in the page's order."""
    return [
        (code, title.split(": ", 1)[1])
        for code, (_u, _h, title) in zip(
            _codes(sections["risikopruefung"]), sections["risikopruefung"], strict=True
        )
    ]


@pytest.mark.parametrize("slug", SLUGS)
def test_digital_home_lists_due_reports_led_first_and_milestones(
    client: TestClient, slug: str
) -> None:
    on = today()
    sections = _home(client, f"digital.{slug}")
    assert set(sections) == {
        "statusberichte",
        "meilensteine-ueberfaellig",
        "meilensteine-naechste",
        "risikopruefung",
    }
    assert _codes(sections["statusberichte"]) == expect.reports_due({slug}, on)
    assert _risk_reviews(sections) == expect.risk_reviews({slug}, on)
    for key, overdue in (("meilensteine-ueberfaellig", True), ("meilensteine-naechste", False)):
        shown = [
            (href.split("/")[2].split("#")[0], title.rsplit(" (", 1)[0])
            for _u, href, title in sections[key]
        ]
        assert shown == expect.milestones({slug}, on, overdue=overdue), key
    assert all(u == "overdue" for u, _h, _t in sections["meilensteine-ueberfaellig"])


def test_the_seed_gives_the_digital_homes_something_to_show() -> None:
    """The comparison above is not vacuous: the seed has due reports and milestones."""
    on = today()
    assert all(expect.reports_due({slug}, on) for slug in SLUGS)
    assert any(expect.milestones({slug}, on, overdue=True) for slug in SLUGS)
    assert expect.risk_reviews(set(SLUGS), on), "the seed has risks to review"


@pytest.mark.parametrize("slug", SLUGS)
def test_hauptamt_home_lists_open_decisions_and_measures_at_risk(
    client: TestClient, slug: str
) -> None:
    on = today()
    sections = _home(client, f"hauptamt.{slug}")
    sessions = expect.sessions_next({slug}, on)
    assert set(sections) == {"risikopruefung", "beschluesse", "risiko", "sitzungen"}
    assert _risk_reviews(sections) == expect.risk_reviews({slug}, on)
    decisions = {_decision(href) for _u, href, _t in sections["beschluesse"]}
    assert decisions == expect.decisions_open({slug})
    assert all(NAMES[slug] in title for _u, _h, title in sections["beschluesse"])
    assert set(_codes(sections["risiko"])) == expect.at_risk({slug}, on)
    shown = sorted(title for _u, _h, title in sections["sitzungen"])
    assert len(shown) == len(sessions)
    for _slug, held_on in sessions:
        assert any(held_on.strftime("%d.%m.%Y") in title for title in shown), (held_on, shown)


@pytest.mark.parametrize("slug", SLUGS)
def test_finanzen_home_lists_mappings_numbers_overruns_and_deadlines(
    client: TestClient, slug: str
) -> None:
    on = today()
    sections = _home(client, f"finanzen.{slug}")
    assert set(sections) == {
        "zuordnung",
        "investitionsnummern",
        "ist-ueber-ansatz",
        "foerderfristen",
    }
    unmapped = expect.unmapped({slug}, on)
    assert len(sections["zuordnung"]) == len(unmapped)
    for _slug, category, kind in unmapped:
        wanted = f"{NAMES[slug]}: {label(category)} ({label(kind)}) ohne Produkt und Sachkonto"
        assert any(title == wanted for _u, _h, title in sections["zuordnung"]), wanted
    numbers = {
        (title.split(" ", 1)[0], href.split("kommune=")[1])
        for _u, href, title in sections["investitionsnummern"]
    }
    assert numbers == expect.missing_investment_numbers({slug}, on)
    overruns = set()
    for _u, href, title in sections["ist-ueber-ansatz"]:
        year, category, kind = re.search(r"\((\d{4}), ([^,]+), (\w+)\)$", title).groups()  # type: ignore[union-attr]
        overruns.add((href.split("/")[2], int(year), category, kind))
    assert overruns == {
        (code, year, label(category), label(kind))
        for code, year, category, kind in expect.actual_above_approved({slug}, on)
    }
    proofs = {title.split(" – ")[0] for _u, _h, title in sections["foerderfristen"]}
    assert expect.proofs_due({slug}, on) <= proofs


def test_the_admin_home_shows_every_section_across_the_four_municipalities(
    client: TestClient,
) -> None:
    on = today()
    everyone = set(SLUGS)
    sections = _home(client, "admin")
    assert list(sections) == [
        "statusberichte",
        "meilensteine-ueberfaellig",
        "meilensteine-naechste",
        "risikopruefung",
        "beschluesse",
        "risiko",
        "sitzungen",
        "zuordnung",
        "investitionsnummern",
        "ist-ueber-ansatz",
        "foerderfristen",
    ]
    assert set(_codes(sections["statusberichte"])) == set(expect.reports_due(everyone, on))
    assert _risk_reviews(sections) == expect.risk_reviews(everyone, on)
    decisions = {_decision(href) for _u, href, _t in sections["beschluesse"]}
    assert decisions == expect.decisions_open(everyone)
    assert set(_codes(sections["risiko"])) == expect.at_risk(everyone, on)
    assert len(sections["zuordnung"]) == len(expect.unmapped(everyone, on))
    assert len(sections["investitionsnummern"]) == len(
        expect.missing_investment_numbers(everyone, on)
    )


def test_the_summary_counts_every_task_once(client: TestClient) -> None:
    sign_in(client, "admin")
    page = client.get("/").text
    sections = _sections(page)
    total = len({href + title for items in sections.values() for _u, href, title in items})
    overdue = sum(1 for items in sections.values() for u, _h, _t in items if u == "overdue")
    summary = re.search(r'id="aufgaben-summe"><strong>(\d+) Aufgaben</strong>, davon (\d+)', page)
    assert summary is not None
    assert (int(summary.group(1)), int(summary.group(2))) == (total, overdue)


def test_a_reader_has_no_tasks_and_the_strategy_is_one_click_away(client: TestClient) -> None:
    sign_in(client, "leser")
    page = client.get("/").text
    assert _sections(page) == {}
    assert "Für Ihre Rolle gibt es hier keine Aufgaben" in page
    assert 'href="/strategie"' in page
    overview = client.get("/strategie")
    assert overview.status_code == 200 and "Handlungsfelder und Maßnahmen" in overview.text


def test_a_status_report_takes_the_measure_off_the_list(client: TestClient) -> None:
    on = today()
    code = expect.reports_due({"erbach"}, on)[0]
    sign_in(client, "digital.erbach")
    measure = client.get(f"/api/v1/measures/{code}").json()
    answer = client.post(
        f"/api/v1/measures/{code}/status-reports",
        json={
            "status": measure["status"],
            "progress": measure["progress"],
            "traffic_light": measure["traffic_light"],
            "summary": "Stand besprochen.",
            "expected_version": measure["version"],
        },
    )
    assert answer.status_code == 201
    after = _codes(_sections(client.get("/").text)["statusberichte"])
    assert code not in after
    assert after == [c for c in expect.reports_due({"erbach"}, on) if c != code]


def test_a_due_report_says_since_when(client: TestClient) -> None:
    on = today()
    sign_in(client, "digital.oberzent")
    page = client.get("/").text
    assert expect.reports_due({"oberzent"}, on)
    assert f"Stand {fmt_date(on)}" in page
    assert "fällig seit" in page or "Noch kein Statusbericht" in page
