"""API fuzzing with schemathesis against /openapi.json of a live server.

* every operation with valid and invalid input, signed in as the IKZ-Koordination: no server
  error, every answer in its documented shape;
* the stateful phase, following the OpenAPI links from a created record to what comes next;
* every write as a read-only user: each refused with 403, whatever the input.
"""

from __future__ import annotations

import os

from tests.e2e.conftest import record_judge
from tests.e2e.judges import fuzz_api, fuzz_read_only, fuzz_stateful
from tests.e2e.server import LiveServer

BUDGET = int(os.environ.get("IKZ_FUZZ_BUDGET", "1100"))


def _schema(server: LiveServer, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    import schemathesis

    return schemathesis.openapi.from_url(f"{server.base_url}/openapi.json", headers=headers)


def test_every_api_operation_survives_fuzzing(fuzz_server: LiveServer) -> None:
    headers = {"Authorization": f"Bearer {fuzz_server.api_token('admin')}"}
    code = fuzz_server.measure_codes()[0]
    report = fuzz_api(
        _schema(fuzz_server, headers), headers=headers, budget=BUDGET, path_values={"code": code}
    )
    record_judge(
        "schemathesis",
        operations=report.operations,
        cases=report.cases,
        failures=len(report.failures),
    )
    assert report.operations >= 40, "the OpenAPI document lists too few operations"
    assert report.cases >= 1000
    assert not report.failures, "schemathesis found:\n" + "\n".join(report.failures)


def test_linked_sequences_of_calls_survive(fuzz_server: LiveServer) -> None:
    headers = {"Authorization": f"Bearer {fuzz_server.api_token('admin')}"}
    report = fuzz_stateful(_schema(fuzz_server, headers), headers=headers)
    record_judge("schemathesis-stateful", operations=report.operations, cases=report.cases)
    assert report.cases >= 100 and report.operations >= 10, report
    assert not report.failures, "stateful schemathesis found:\n" + "\n".join(report.failures)


def test_a_read_only_user_can_write_nothing(fuzz_server: LiveServer) -> None:
    headers = {"Authorization": f"Bearer {fuzz_server.api_token('leser')}"}
    report = fuzz_read_only(_schema(fuzz_server, headers), headers=headers)
    record_judge("schemathesis-read-only", operations=report.operations, cases=report.cases)
    assert not report.failures, "a read-only user got through:\n" + "\n".join(report.failures)
    assert report.operations >= 24 and report.cases >= 150
