"""Spreadsheet exports are written row by row into a temporary file (flat memory), sent from it
and removed; a process builds only a few at once, a further one gets a German 503 with
Retry-After."""

from __future__ import annotations

import io
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from app.core.downloads import ExportSlots
from app.core.enums import Role
from app.core.timeutil import today
from app.finance.exports import multi_year_xlsx
from app.finance.exports.cells import text_cell
from app.finance.exports.sheet import Footer, Sheet, new_workbook
from app.finance.queries import lookups as finance_queries
from app.finance.queries.budget import multi_year_report
from tests.integration.finance_data import principal

MULTI = "/haushalt/export-mehrjahr.xlsx?kommune=michelstadt"
YEAR = "/haushalt/export.xlsx?kommune=michelstadt&jahr=2026"


def _values(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(content), data_only=True)
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in book}


def test_the_streamed_multi_year_file_holds_what_the_in_memory_one_holds(
    client: TestClient, login: Any, session: Session, tmp_path: Path
) -> None:
    """``constant_memory`` drops any cell written above the current row; the file written that
    way must hold every cell the in-memory workbook holds."""
    login(client, "finanzen.michelstadt")
    answer = client.get(MULTI)
    assert answer.status_code == 200
    assert answer.headers["content-disposition"].startswith("attachment;")
    streamed = _values(answer.content)
    report = multi_year_report(
        session=session, actor=principal(Role.admin), municipality="michelstadt"
    )
    in_memory = multi_year_xlsx(
        report, exported_on=today(), data_state=finance_queries.data_state(session)
    )
    assert in_memory is not None
    assert streamed == _values(in_memory)
    assert sum(len(rows) for rows in streamed.values()) > 20


def test_a_cell_written_above_the_current_row_is_lost_in_a_streamed_file(tmp_path: Path) -> None:
    """The planted fault the comparison above would catch: writing out of order."""
    path = str(tmp_path / "x.xlsx")
    workbook = new_workbook(path)
    sheet = Sheet(workbook, "Blatt", Footer("Kommune", "2026", "Stand"))
    sheet.line([text_cell("erste Zeile")])
    sheet.line([text_cell("zweite Zeile")])
    sheet.write(0, 1, text_cell("nachträglich"))  # above the current row
    workbook.close()
    rows = _values(Path(path).read_bytes())["Blatt"]
    assert rows[0][0] == "erste Zeile" and "nachträglich" not in rows[0]


def test_the_temporary_file_is_gone_once_sent(
    client: TestClient, login: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    login(client, "finanzen.michelstadt")
    for url in (MULTI, YEAR):
        answer = client.get(url)
        assert answer.status_code == 200 and answer.content.startswith(b"PK")
    assert list(tmp_path.glob("ikz-export-*")) == []


def test_beyond_the_limit_an_export_gets_a_german_503_with_retry_after(
    client: TestClient, login: Any
) -> None:
    login(client, "finanzen.michelstadt")
    slots = ExportSlots(limit=1, wait_seconds=0)
    client.app.state.export_slots = slots  # type: ignore[attr-defined]
    with slots.slot():  # another export is being built
        busy = client.get(MULTI)
        busy_year = client.get(YEAR)
    for answer in (busy, busy_year):
        assert answer.status_code == 503
        assert int(answer.headers["Retry-After"]) >= 1
        assert "zu viele Exporte gleichzeitig" in answer.text
    assert client.get(MULTI).status_code == 200  # the slot is free again


def test_a_waiting_export_gets_the_slot_when_it_frees_up() -> None:
    slots = ExportSlots(limit=1, wait_seconds=5)
    got: list[float] = []
    release = threading.Event()

    def holder() -> None:
        with slots.slot():
            release.wait(5)

    first = threading.Thread(target=holder)
    first.start()
    time.sleep(0.05)

    def waiter() -> None:
        started = time.perf_counter()
        with slots.slot():
            got.append(time.perf_counter() - started)

    second = threading.Thread(target=waiter)
    second.start()
    time.sleep(0.2)
    release.set()
    first.join(5)
    second.join(5)
    assert len(got) == 1 and got[0] >= 0.15
