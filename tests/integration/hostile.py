"""The hostile-input judge: every form field, JSON field, path and query parameter of the route
table gets input that has broken applications before.

For each state-changing route the judge starts from a request that would succeed (the
permission matrix builds one) and replaces one field at a time with a hostile value; for each
route with path parameters it replaces those; for each page and API read it sends hostile query
parameters. It records every answer of 500 or more, and every refusal (4xx) after which the
audit trail had grown, i.e. something had been written although the answer said no.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

ONE_MB = "x" * 1_000_000

# Values a form field (always text) gets.
HOSTILE_TEXT: dict[str, str] = {
    "NUL": "ab\x00cd",
    "Steuerzeichen": "\x07\x1b[31m",
    "hochgestellte Ziffer": "²",
    "arabische Ziffern": "١٢",
    "1 MB": ONE_MB,
    "rechts nach links": "\u202eمرحبا שלום",
    "Überlauf": "9" * 40,
    "Betrag 2^63 Cent": "92.233.720.368.547.758,08",
    "negativ": "-1",
    "Formel": "=1+1",
}
# Values a JSON field gets: the texts above and values of the wrong type.
HOSTILE_JSON: dict[str, Any] = {
    **HOSTILE_TEXT,
    "true": True,
    "Liste": [],
    "Objekt": {"a": 1},
    "null": None,
    "2^70": 2**70,
    "Kommazahl": 1.5,
}
# Query parameters and path segments.
HOSTILE_PARAMS: dict[str, str] = {
    "NUL": "a\x00b",
    "hochgestellte Ziffer": "²",
    "arabische Ziffern": "١٢",
    "8 kB": "y" * 8_000,
    "rechts nach links": "\u202eשלום",
    "Überlauf": "9" * 40,
    "negativ": "-5",
    "Pfad": "../..%2F",
}


@dataclass
class Report:
    requests: int = 0
    server_errors: list[str] = field(default_factory=list)
    written_on_refusal: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[str]:
        return self.server_errors + self.written_on_refusal


Fingerprint = Callable[[], Any]


def _check(
    client: TestClient,
    report: Report,
    fingerprint: Fingerprint,
    what: str,
    method: str,
    url: str,
    **kwargs: Any,
) -> None:
    before = fingerprint()
    response = client.request(method, url, follow_redirects=False, **kwargs)
    report.requests += 1
    if response.status_code >= 500:
        report.server_errors.append(f"{what}: {response.status_code}")
    elif 400 <= response.status_code < 500 and fingerprint() != before:
        report.written_on_refusal.append(
            f"{what}: {response.status_code}, but something was written"
        )


def body_fields(route: APIRoute) -> list[str]:
    """The JSON body fields of an API route (from its body model)."""
    body = route.body_field
    if body is None:
        return []
    model = getattr(body.field_info, "annotation", None) or getattr(body, "type_", None)
    fields = getattr(model, "model_fields", None)
    return list(fields) if fields else []


def form_fields(route: APIRoute) -> list[str]:
    """The form fields an HTML route declares (``app.core.forms.accepts``)."""
    return list(getattr(route.endpoint, "__form_fields__", ()))


def sweep_writes(
    client: TestClient,
    route: APIRoute,
    method: str,
    url: str,
    *,
    data: Mapping[str, Any] | None,
    body: Mapping[str, Any] | None,
    fingerprint: Fingerprint,
    report: Report,
) -> None:
    """Every field of one write request, one hostile value at a time."""
    if route.path.startswith("/api/"):
        base = dict(body or {})
        for name in body_fields(route):
            for label, value in HOSTILE_JSON.items():
                _check(
                    client,
                    report,
                    fingerprint,
                    f"{method} {route.path} {name}={label}",
                    method,
                    url,
                    json={**base, name: value},
                )
            # A lone surrogate cannot be stored in UTF-8; only raw JSON text can carry it.
            raw = json.dumps({**base, name: "PLACEHOLDER"}).replace("PLACEHOLDER", "\\ud800")
            _check(
                client,
                report,
                fingerprint,
                f"{method} {route.path} {name}=Surrogat",
                method,
                url,
                content=raw.encode(),
                headers={"Content-Type": "application/json"},
            )
        return
    base = {key: str(value) for key, value in (data or {}).items()}
    for name in form_fields(route):
        for label, value in HOSTILE_TEXT.items():
            _check(
                client,
                report,
                fingerprint,
                f"{method} {route.path} {name}={label}",
                method,
                url,
                data={**base, name: value},
            )


def _with_path_value(template: str, concrete: str, name: str, value: str) -> str:
    """``concrete`` (a real address of ``template``) with the segment of ``{name}`` replaced."""
    template_parts = template.split("/")
    parts = urlsplit(concrete).path.split("/")
    query = urlsplit(concrete).query
    for index, part in enumerate(template_parts):
        if part == "{" + name + "}" and index < len(parts):
            parts[index] = quote(value, safe="")
    return "/".join(parts) + (f"?{query}" if query else "")


def sweep_path(
    client: TestClient,
    route: APIRoute,
    method: str,
    url: str,
    *,
    data: Mapping[str, Any] | None,
    body: Mapping[str, Any] | None,
    fingerprint: Fingerprint,
    report: Report,
) -> None:
    """Hostile values in each path parameter of a route."""
    for parameter in route.dependant.path_params:
        for label, value in HOSTILE_PARAMS.items():
            target = _with_path_value(route.path, url, parameter.name, value)
            _check(
                client,
                report,
                fingerprint,
                f"{method} {route.path} {{{parameter.name}}}={label}",
                method,
                target,
                data=data,
                json=body,
            )


def sweep_query(
    client: TestClient,
    path: str,
    names: Iterable[str],
    *,
    fingerprint: Fingerprint,
    report: Report,
) -> None:
    """Hostile values in each query parameter of a page or API read."""
    for name in names:
        for label, value in HOSTILE_PARAMS.items():
            _check(
                client,
                report,
                fingerprint,
                f"GET {path}?{name}={label}",
                "GET",
                f"{path}?{urlencode({name: value})}",
            )


def query_names(route: APIRoute, extra: Mapping[str, tuple[str, ...]]) -> list[str]:
    declared = [parameter.name for parameter in route.dependant.query_params]
    for dependency in route.dependant.dependencies:
        declared += [parameter.name for parameter in dependency.query_params]
    return list(dict.fromkeys([*declared, *extra.get(route.path, ())]))


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every route of the application's route table (included routers unfolded)."""
    found: list[APIRoute] = []
    for context in iter_route_contexts(app.routes):
        route = context.route
        if isinstance(route, APIRoute):
            found.append(route)
    return found


def read_routes(app: FastAPI) -> list[APIRoute]:
    """Every GET route of the application without path parameters (pages and API reads)."""
    return [route for route in api_routes(app) if "GET" in route.methods and "{" not in route.path]
