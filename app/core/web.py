"""Rendering: one template per page, the named block for htmx requests, the page otherwise."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2_fragments.fastapi import Jinja2Blocks

from app.core import formatting
from app.core.enums import LABELS, field_label, label
from app.core.resources import STATIC_DIR, resource_dir
from app.core.timeutil import BERLIN, as_aware, utcnow

templates = Jinja2Blocks(directory=str(resource_dir("templates")))
env = templates.env
env.globals.update(label=label, LABELS=LABELS, now=utcnow)


def _print_stamp(moment: datetime) -> str:
    """The Stand of a printed page as the query of ``/druck.css`` (local time, to the minute)."""
    return as_aware(moment).astimezone(BERLIN).strftime("%Y%m%d%H%M")


env.filters["print_stamp"] = _print_stamp
env.filters.update(
    date=formatting.fmt_date,
    datetime=formatting.fmt_datetime,
    money=formatting.fmt_money,
    amount=formatting.fmt_amount,
    number=formatting.fmt_number,
    percent_bp=formatting.fmt_percent_bp,
    hundredths=formatting.fmt_hundredths,
    label=label,
    field_label=field_label,
    show=formatting.fmt_value,
)


@lru_cache(maxsize=256)
def _asset_hash(path: str) -> str:
    file = STATIC_DIR / path
    if not file.is_file():
        return "0"
    return hashlib.sha256(file.read_bytes()).hexdigest()[:10]


def static_url(path: str) -> str:
    """URL of a static asset with a content hash, so browsers may cache it for long."""
    return f"/static/{path}?v={_asset_hash(path)}"


env.globals["static_url"] = static_url


def is_htmx_partial(request: Request) -> bool:
    """An htmx request that wants a fragment (not boosted, not a history restore)."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


NOTICE_KEY = "notice"


def redirect_with_notice(request: Request, url: str, notice: str) -> RedirectResponse:
    """303 to ``url``; the next full page says ``notice`` (in ``role="status"``), so a change
    made without JavaScript is confirmed as well."""
    if "session" in request.scope:
        path = url.split("#", 1)[0].split("?", 1)[0]
        request.session[NOTICE_KEY] = {"path": path, "text": notice}
    return RedirectResponse(url, status_code=303)


def _take_notice(request: Request) -> str:
    """The notice meant for this page (the target of the redirect that set it), once."""
    if "session" not in request.scope:
        return ""
    notice = request.session.get(NOTICE_KEY)
    if not isinstance(notice, dict) or notice.get("path") != request.url.path:
        return ""
    request.session.pop(NOTICE_KEY, None)
    text = notice.get("text")
    return text if isinstance(text, str) else ""


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    block: str | None = "content",
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render ``template`` whole, or only ``block`` when htmx asks for a fragment."""
    data: dict[str, Any] = {
        "request": request,
        "current_user": getattr(request.state, "user", None),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "request_id": getattr(request.state, "request_id", ""),
    }
    if not (block and is_htmx_partial(request)):
        data["flash"] = _take_notice(request)
    if context:
        data.update(context)
    response_headers = {"Vary": "HX-Request"}
    if headers:
        response_headers.update(headers)
    response: Response
    if block and is_htmx_partial(request):
        response = templates.TemplateResponse(
            request,
            template,
            data,
            block_name=block,
            status_code=status_code,
            headers=response_headers,
        )
    else:
        response = templates.TemplateResponse(
            request, template, data, status_code=status_code, headers=response_headers
        )
    assert isinstance(response, HTMLResponse)
    return response
