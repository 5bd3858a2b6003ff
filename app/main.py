"""Application factory."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app import __version__, listeners, security
from app.accounts.api import router as accounts_api
from app.accounts.routes import admin as accounts_admin_routes
from app.accounts.routes import profile as accounts_profile_routes
from app.accounts.routes import signin as accounts_signin_routes
from app.agenda.api import router as agenda_api
from app.agenda.routes import router as agenda_routes
from app.core.config import check_production_settings, get_settings
from app.core.downloads import ExportSlots
from app.core.openapi import german_openapi
from app.core.resources import STATIC_DIR
from app.councils.api import baselines as councils_baselines_api
from app.councils.api import proceedings as councils_api
from app.councils.queries.approvals import council_view, decisions_by_code
from app.councils.routes import baselines as councils_baseline_routes
from app.councils.routes import proposals as councils_proposal_routes
from app.councils.routes import sessions as councils_session_routes
from app.finance.api import budget as finance_budget_api
from app.finance.api import grants as finance_grants_api
from app.finance.api import haushalt as finance_haushalt_api
from app.finance.api import haushaltsplan as finance_haushaltsplan_api
from app.finance.api import kaemmerei as finance_kaemmerei_api
from app.finance.api import measure_budget as finance_measure_budget_api
from app.finance.queries.haushalt_rows import read_decisions_with
from app.finance.routes import budget as finance_budget_routes
from app.finance.routes import grants as finance_grant_routes
from app.finance.routes import haushalt as finance_haushalt_routes
from app.finance.routes import haushaltsplan as finance_haushaltsplan_routes
from app.finance.routes import kaemmerei as finance_kaemmerei_routes
from app.finance.routes import mapping as finance_mapping_routes
from app.indicators import api as indicators_api
from app.indicators import routes as indicators_routes
from app.indicators.queries import measure_indicators
from app.pages.audit_log import router as audit_routes
from app.pages.dashboard.cache import PanelCache
from app.pages.dashboard.routes import router as dashboard_routes
from app.pages.measure_list.api import router as measure_list_api
from app.pages.measure_list.routes import router as measure_list_routes
from app.pages.measure_page.routes import router as measure_page_routes
from app.pages.reports.routes import router as report_routes
from app.pages.site import router as pages_router
from app.pages.start import router as start_routes
from app.portfolio.api import router as portfolio_api
from app.portfolio.queries import extend_measure_detail
from app.portfolio.routes import router as portfolio_edit_routes
from app.risks.api import router as risks_api
from app.risks.queries import measure_section as risk_section
from app.risks.routes import router as risk_routes


def create_app() -> FastAPI:
    settings = get_settings()
    check_production_settings(settings)
    listeners.install()
    # The measure and plan pages show the council's approvals (a domain above the portfolio).
    extend_measure_detail("council", council_view)
    read_decisions_with(decisions_by_code)
    extend_measure_detail("risks", risk_section)  # the measure page's "Risiken" section
    # The measure page shows the measure's goals and indicators (a domain above the portfolio).
    extend_measure_detail("indicators", measure_indicators)
    app = FastAPI(
        title="IKZ-Portfolio API",
        version=__version__,
        description=(
            "Maßnahmen, Statusberichte und Budgets der gemeinsamen Digitalstrategie von Erbach, "
            "Michelstadt, Oberzent und Brombachtal."
        ),
        openapi_url="/openapi.json",
        docs_url=None,  # app.pages.site serves /docs with local assets (CSP: self only)
        redoc_url=None,
    )
    app.openapi = german_openapi(app)  # type: ignore[method-assign]
    app.state.panel_cache = PanelCache()  # rendered dashboard panels of this process
    app.state.export_slots = ExportSlots(
        settings.max_concurrent_exports, settings.export_wait_seconds
    )
    security.install(app)  # before the routers: the CSRF check applies to every route
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")
    app.include_router(pages_router)
    app.include_router(accounts_signin_routes.router)
    app.include_router(accounts_profile_routes.router)
    app.include_router(accounts_admin_routes.router)
    app.include_router(accounts_api)
    app.include_router(agenda_api)
    app.include_router(agenda_routes)
    app.include_router(audit_routes)
    app.include_router(portfolio_edit_routes)  # before /massnahmen/{code}: /massnahmen/neu
    app.include_router(start_routes)
    app.include_router(measure_list_routes)
    app.include_router(measure_page_routes)
    app.include_router(measure_list_api)
    app.include_router(portfolio_api)
    app.include_router(finance_haushalt_routes.router)
    app.include_router(finance_haushaltsplan_routes.router)
    app.include_router(finance_kaemmerei_routes.router)
    app.include_router(finance_mapping_routes.router)
    app.include_router(finance_budget_routes.router)
    app.include_router(finance_grant_routes.router)
    app.include_router(finance_budget_api.router)
    app.include_router(finance_measure_budget_api.router)
    app.include_router(finance_haushalt_api.router)
    app.include_router(finance_haushaltsplan_api.router)
    app.include_router(finance_kaemmerei_api.router)
    app.include_router(finance_grants_api.router)
    app.include_router(dashboard_routes)
    app.include_router(councils_session_routes.router)
    app.include_router(councils_proposal_routes.router)  # /gremien/vorlagen/neu before {id}
    app.include_router(councils_baseline_routes.router)
    app.include_router(report_routes)
    app.include_router(councils_api.router)
    app.include_router(councils_baselines_api.router)
    app.include_router(risk_routes)
    app.include_router(risks_api)
    app.include_router(indicators_routes.router)
    app.include_router(indicators_api.router)
    return app
