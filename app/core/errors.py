"""Domain errors raised by services; routes and API turn them into 403/404/409/422."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class; ``message`` is German and shown to the user."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403

    def __init__(self, message: str = "Dafür fehlt Ihnen die Berechtigung.") -> None:
        super().__init__(message)


class Busy(DomainError):
    """Too much of one kind of work at once: 503, try again after ``retry_after`` seconds."""

    status_code = 503

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ValidationFailed(DomainError):
    """Bad input: ``errors`` maps field names to German messages."""

    status_code = 422

    def __init__(self, errors: dict[str, str], message: str | None = None) -> None:
        super().__init__(message or "Bitte prüfen Sie die markierten Eingaben.")
        self.errors = errors


class StaleVersion(DomainError):
    """Optimistic lock failure: someone else saved in between."""

    status_code = 409

    def __init__(
        self, current: dict[str, Any], current_version: int, message: str | None = None
    ) -> None:
        super().__init__(
            message
            or "Der Datensatz wurde inzwischen von jemand anderem geändert. Ihre Eingaben sind "
            "unten erhalten; bitte prüfen Sie die aktuellen Werte und speichern Sie erneut."
        )
        self.current = current
        self.current_version = current_version
