"""The outside judges, each wrapped once so the real checks and the planted-fault checks share code.

- axe-core (npm package, injected into a page in Chromium): WCAG 2.1 A/AA violations.
- the Nu Html Checker (npm package vnu-jar, run with Java): HTML errors.
- schemathesis: fuzzes the OpenAPI operations, no 5xx and responses matching their schemas.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.e2e.server import REPO_ROOT

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


# --- axe-core -------------------------------------------------------------------------------


def run_axe(page: Any, axe_source: str) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; return the violations (empty when clean)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    result: dict[str, Any] = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']
            });
            return {violations: r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160)}))
            }))};
        }""",
        AXE_TAGS,
    )
    return list(result["violations"])


def describe_axe(where: str, violations: Sequence[Mapping[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{where}: [{violation['impact']}] {violation['id']} – {violation['help']}")
        lines.extend(
            f"      at {node['target']}: {node['html']}" for node in violation["nodes"][:5]
        )
    return "\n".join(lines)


# --- Nu Html Checker --------------------------------------------------------------------------


def java_available() -> bool:
    return shutil.which("java") is not None and VNU_JAR.exists()


def validate_html(documents: Mapping[str, str]) -> dict[str, list[str]]:
    """Validate named HTML documents with one JVM run; return the errors per document name."""
    names = list(documents)
    with tempfile.TemporaryDirectory(prefix="ikz-vnu-") as tmp:
        files: dict[str, str] = {}
        for index, name in enumerate(names):
            path = Path(tmp) / f"page-{index:03d}.html"
            path.write_text(documents[name], encoding="utf-8")
            files[path.resolve().as_uri()] = name
        result = subprocess.run(
            [
                "java",
                "-Xss1m",
                "-jar",
                str(VNU_JAR),
                "--format",
                "json",
                "--exit-zero-always",
                *sorted(str(Path(uri.removeprefix("file://"))) for uri in files),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    try:
        report = json.loads(result.stderr or result.stdout)
    except json.JSONDecodeError as error:
        raise RuntimeError(
            f"vnu.jar gave no JSON report:\n{result.stdout}\n{result.stderr}"
        ) from error
    errors: dict[str, list[str]] = {name: [] for name in names}
    for message in report.get("messages", []):
        if message.get("type") not in ("error", "non-document-error"):
            continue
        url = str(message.get("url", ""))
        name = files.get(url) or next(
            (n for uri, n in files.items() if url.endswith(uri.rsplit("/", 1)[-1])), url
        )
        line = message.get("lastLine", "?")
        extract = str(message.get("extract", "")).strip().replace("\n", " ")[:120]
        errors.setdefault(name, []).append(f"line {line}: {message.get('message')} [{extract}]")
    return errors


# --- schemathesis ---


def _failure_text(failure: BaseException) -> list[str]:
    parts = [failure]
    if isinstance(failure, BaseExceptionGroup):
        parts = list(failure.exceptions)
    lines: list[str] = []
    for part in parts:
        title = getattr(part, "title", "") or type(part).__name__
        where = getattr(part, "instance_path", None)
        if where:
            title += " at /" + "/".join(map(str, where))
        message = getattr(part, "message", "") or str(part)
        lines.append(f"{title}: {message}".strip().replace("\n", " ")[:300])
    return lines


@dataclass
class FuzzReport:
    operations: int = 0
    cases: int = 0
    failures: list[str] = field(default_factory=list)


def fuzz_api(
    schema: Any,
    *,
    headers: Mapping[str, str],
    budget: int = 300,
    path_values: Mapping[str, str] | None = None,
) -> FuzzReport:
    """Send about ``budget`` generated requests over all operations; collect the failed checks.

    Checks: no 5xx (not_a_server_error) and every response matches its documented schema
    (response_schema_conformance). Half the cases are valid input, half invalid. Valid cases
    use ``path_values`` (e.g. a real measure code) where given, so they reach real records
    instead of ending in 404.
    """
    from schemathesis import GenerationMode
    from schemathesis.core.result import Ok

    report = FuzzReport()
    operations = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    report.operations = len(operations)
    if not operations:
        return report
    per_mode = max(5, budget // (2 * len(operations)))
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fixed = None
            if mode == GenerationMode.POSITIVE and path_values:
                names = [parameter.name for parameter in operation.path_parameters]
                if names and all(name in path_values for name in names):
                    fixed = {name: path_values[name] for name in names}
            _fuzz_operation(
                operation, mode, fixed, headers=headers, examples=per_mode, report=report
            )
    return report


def _fuzz_operation(
    operation: Any,
    mode: Any,
    path_parameters: dict[str, str] | None,
    *,
    headers: Mapping[str, str],
    examples: int,
    report: FuzzReport,
) -> None:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    seen: set[str] = set()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def run(case: Any) -> None:
        report.cases += 1
        try:
            case.call_and_validate(
                headers=dict(headers), checks=[not_a_server_error, response_schema_conformance]
            )
        except (Exception, BaseExceptionGroup) as failure:  # failed checks, crashes
            text = _failure_text(failure)
            key = text[0].split(":", 1)[0] if text else type(failure).__name__
            if key not in seen:
                seen.add(key)
                report.failures.append(
                    f"{operation.label} ({mode.value}): {' / '.join(text[:6])}\n"
                    f"    reproduce: {case.as_curl_command(headers=dict(headers))}"
                )

    try:
        run()
    except Unsatisfiable:
        # An operation without inputs has no invalid variant; valid cases still ran for it.
        if mode.value != "negative":
            raise


def fuzz_read_only(schema: Any, *, headers: Mapping[str, str], budget: int = 200) -> FuzzReport:
    """Send a read-only user's writes (valid and invalid input): every one must be a 403.

    The user's own profile (``/api/v1/me/…``: password, tokens, sessions) is theirs to change
    and is left out.
    """
    from schemathesis import GenerationMode
    from schemathesis.core.result import Ok

    report = FuzzReport()
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if isinstance(result, Ok)
        and result.ok().method.upper() in ("POST", "PUT", "PATCH", "DELETE")
        and not result.ok().path.startswith("/api/v1/me/")
    ]
    report.operations = len(operations)
    per_mode = max(3, budget // (2 * max(len(operations), 1)))
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _refused_operation(operation, mode, headers=headers, examples=per_mode, report=report)
    return report


def _refused_before_reading(response: Any) -> bool:
    """403; or a request that is no request for this user at all: the fuzzer's own mutations of
    the credentials (401) or of the body's syntax (not JSON: 400, or 422 naming no field)."""
    if response.status_code in (401, 403):
        return True
    if response.status_code == 400:
        return True
    if response.status_code == 422:
        try:
            errors = response.json().get("errors") or {}
        except ValueError:
            return False
        return set(errors) == {"request"}
    return False


def _refused_operation(
    operation: Any, mode: Any, *, headers: Mapping[str, str], examples: int, report: FuzzReport
) -> None:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable

    seen: set[int] = set()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        report.cases += 1
        response = case.call(headers=dict(headers))
        if not _refused_before_reading(response) and response.status_code not in seen:
            seen.add(response.status_code)
            report.failures.append(
                f"{operation.label} ({mode.value}): {response.status_code} instead of 403: "
                f"{response.text[:160]}\n"
                f"    reproduce: {case.as_curl_command(headers=dict(headers))}"
            )

    try:
        run()
    except Unsatisfiable:
        if mode.value != "negative":
            raise


def fuzz_stateful(
    schema: Any, *, headers: Mapping[str, str], scenarios: int = 25, steps: int = 8
) -> FuzzReport:
    """Schemathesis' stateful phase: sequences of calls that follow the OpenAPI links (create a
    measure, then report on it, add a milestone, change it …), each answer checked."""
    from hypothesis import HealthCheck, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    report = FuzzReport()
    machine = schema.as_state_machine()
    seen: set[str] = set()
    operations: set[str] = set()

    class Checked(machine):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": dict(headers)}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            report.cases += 1
            operations.add(case.operation.label)
            for check in (not_a_server_error, response_schema_conformance):
                try:
                    case.validate_response(response, checks=[check])
                except (Exception, BaseExceptionGroup) as failure:
                    text = _failure_text(failure)
                    key = f"{case.operation.label}: {text[0] if text else failure!r}"[:160]
                    if key not in seen:
                        seen.add(key)
                        report.failures.append(
                            f"stateful {case.operation.label}: {' / '.join(text[:4])}"
                        )

    Checked.run(
        settings=settings(
            max_examples=scenarios,
            stateful_step_count=steps,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
    report.operations = len(operations)
    return report
