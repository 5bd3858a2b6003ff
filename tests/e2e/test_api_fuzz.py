"""API fuzzing with schemathesis against /openapi.json of a live server, signed in with a token."""

from __future__ import annotations

import os

from tests.e2e.conftest import record_judge
from tests.e2e.judges import fuzz_api
from tests.e2e.server import LiveServer

BUDGET = int(os.environ.get("IKZ_FUZZ_BUDGET", "300"))


def test_every_api_operation_survives_fuzzing(fuzz_server: LiveServer) -> None:
    import schemathesis

    token = fuzz_server.api_token("admin")
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_url(f"{fuzz_server.base_url}/openapi.json", headers=headers)

    code = fuzz_server.measure_codes()[0]
    report = fuzz_api(schema, headers=headers, budget=BUDGET, path_values={"code": code})

    record_judge(
        "schemathesis",
        operations=report.operations,
        cases=report.cases,
        failures=len(report.failures),
    )
    assert report.operations >= 2, "the OpenAPI document lists too few operations"
    assert not report.failures, "schemathesis found:\n" + "\n".join(report.failures)
