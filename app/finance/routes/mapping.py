"""A municipality's Haushalt mapping form: Produkt and Sachkonto per cost category and kind,
the accounts beside the cost lines (grant income, Sonderposten, AfA, forwarding), and per
measure its Investitionsnummer and Produkt."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from app.accounts.deps import CurrentUser
from app.core.deps import SessionDep
from app.core.enums import BudgetKind, CostCategory, HaushaltPurpose
from app.core.forms import FormDep, accepts, submit
from app.core.web import redirect_with_notice, render
from app.finance.queries import lookups as queries
from app.finance.schemas import HaushaltIn
from app.finance.service import haushalt as haushalt_service
from app.municipalities.models import Municipality

router = APIRouter(include_in_schema=False)


MAPPING_FORM_FIELDS = (
    *(
        f"{prefix}_{category.value}_{kind.value}"
        for prefix in ("produkt", "sachkonto", "version")
        for category in CostCategory
        for kind in BudgetKind
    ),
    *(
        f"{prefix}_konto_{purpose.value}"
        for prefix in ("produkt", "sachkonto", "version")
        for purpose in HaushaltPurpose
    ),
    "inv_1",
    "mp_1",
)


def _mapping_page(
    request: Request,
    session: Session,
    municipality: Municipality,
    *,
    status_code: int = 200,
    extra: dict[str, Any] | None = None,
) -> HTMLResponse:
    municipality_id = int(municipality.id or 0)
    extra = extra or {}
    posted: dict[str, Any] = extra.get("form_values") or {}
    current = queries.mappings(session, municipality_id)
    rows = []
    for category in CostCategory:
        for kind in BudgetKind:
            existing = current.get((category.value, kind.value))
            key = f"{category.value}_{kind.value}"
            rows.append(
                {
                    "category": category.value,
                    "kind": kind.value,
                    "produkt": posted.get(f"produkt_{key}", existing.produkt if existing else ""),
                    "sachkonto": posted.get(
                        f"sachkonto_{key}", existing.sachkonto if existing else ""
                    ),
                    "version": existing.version if existing else None,
                }
            )
    numbers = queries.investment_numbers(session, municipality_id)
    produkte = {
        measure_id: produkt
        for (_, measure_id), produkt in queries.measure_produkte_of(
            session, [municipality_id]
        ).items()
    }
    accounts = queries.haushalt_accounts(session, municipality_id)
    account_rows = [
        {
            "purpose": purpose.value,
            "produkt": posted.get(
                f"produkt_konto_{purpose.value}",
                accounts[purpose.value].produkt if purpose.value in accounts else "",
            ),
            "sachkonto": posted.get(
                f"sachkonto_konto_{purpose.value}",
                accounts[purpose.value].sachkonto if purpose.value in accounts else "",
            ),
            "version": accounts[purpose.value].version if purpose.value in accounts else None,
        }
        for purpose in HaushaltPurpose
    ]
    measures = sorted(
        queries.measures_by_id(
            session, queries.measure_ids_of_municipality(session, municipality_id)
        ).values(),
        key=lambda m: m.code,
    )
    return render(
        request,
        "finance/mapping_form.html",
        {
            "municipality": municipality,
            "rows": rows,
            "measures": [
                (
                    m,
                    posted.get(f"inv_{m.id}", numbers.get(int(m.id or 0), "")),
                    posted.get(f"mp_{m.id}", produkte.get(int(m.id or 0), "")),
                )
                for m in measures
            ],
            "accounts": account_rows,
            "errors": extra.get("form_errors") or {},
            "conflict_message": extra.get("conflict_message", ""),
        },
        status_code=status_code,
    )


@router.get("/haushalt/zuordnung", response_class=HTMLResponse)
def mapping(
    request: Request, session: SessionDep, user: CurrentUser, kommune: str = ""
) -> HTMLResponse:
    municipality = haushalt_service.haushalt_municipality(session=session, actor=user, slug=kommune)
    return _mapping_page(request, session, municipality)


def haushalt_form_data(
    session: Session, municipality: Municipality, form: FormData
) -> dict[str, Any]:
    """The mapping form's fields (``produkt_<category>_<kind>``, ``inv_<measure id>``) as the
    structure of :class:`HaushaltIn`."""
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    codes = {
        str(m.id): m.code
        for m in queries.measures_by_id(
            session, queries.measure_ids_of_municipality(session, int(municipality.id or 0))
        ).values()
    }
    return {
        "mappings": [
            {
                "category": category.value,
                "kind": kind.value,
                "produkt": fields.get(f"produkt_{category.value}_{kind.value}", ""),
                "sachkonto": fields.get(f"sachkonto_{category.value}_{kind.value}", ""),
                "expected_version": fields.get(f"version_{category.value}_{kind.value}", ""),
            }
            for category in CostCategory
            for kind in BudgetKind
        ],
        "investment_numbers": {
            codes.get(key[4:], key[4:]): value
            for key, value in fields.items()
            if key.startswith("inv_")
        },
        "accounts": [
            {
                "purpose": purpose.value,
                "produkt": fields.get(f"produkt_konto_{purpose.value}", ""),
                "sachkonto": fields.get(f"sachkonto_konto_{purpose.value}", ""),
                "expected_version": fields.get(f"version_konto_{purpose.value}", ""),
            }
            for purpose in HaushaltPurpose
            if f"produkt_konto_{purpose.value}" in fields
            or f"sachkonto_konto_{purpose.value}" in fields
        ],
        "measure_produkte": {
            codes.get(key[3:], key[3:]): value
            for key, value in fields.items()
            if key.startswith("mp_")
        },
    }


def _mapping_errors(extra: dict[str, Any]) -> dict[str, Any]:
    """Errors of ``mappings.<n>.<field>`` shown at their row (``<category>_<kind>``)."""
    rows = [f"{c.value}_{k.value}" for c in CostCategory for k in BudgetKind]
    purposes = [f"konto_{p.value}" for p in HaushaltPurpose]
    errors: dict[str, str] = {}
    for key, text in (extra.get("form_errors") or {}).items():
        parts = key.split(".")
        if parts[0] == "mappings" and len(parts) > 1 and parts[1].isdecimal():
            index = int(parts[1])
            errors.setdefault(rows[index] if index < len(rows) else "numbers", text)
        elif parts[0] == "accounts" and len(parts) > 1 and parts[1].isdecimal():
            index = int(parts[1])
            errors.setdefault(purposes[index] if index < len(purposes) else "numbers", text)
        elif parts[0] in ("accounts",) or parts[0].startswith("konto_"):
            errors.setdefault(parts[0], text)
        elif parts[0] == "investment_numbers":
            errors.setdefault("numbers", text)
        elif parts[0] == "measure_produkte":
            errors.setdefault("produkte", text)
        else:
            errors.setdefault(key, text)
    return extra | {"form_errors": errors}


@router.post("/haushalt/zuordnung", response_model=None)
@accepts(extra=MAPPING_FORM_FIELDS)
def save_mapping(
    request: Request, session: SessionDep, user: CurrentUser, form: FormDep, kommune: str = ""
) -> Response:
    municipality = haushalt_service.haushalt_municipality(session=session, actor=user, slug=kommune)
    return submit(
        session=session,
        schema=HaushaltIn,
        form=haushalt_form_data(session, municipality, form),
        apply=lambda data: haushalt_service.save_haushalt(
            session=session, actor=user, slug=municipality.slug, data=data
        ),
        success=lambda _m: redirect_with_notice(
            request,
            f"/haushalt/zuordnung?kommune={municipality.slug}",
            "Die Zuordnung wurde gespeichert.",
        ),
        failure=lambda status, extra: _mapping_page(
            request, session, municipality, status_code=status, extra=_mapping_errors(extra)
        ),
        values={key: value for key, value in form.items() if isinstance(value, str)},
    )
