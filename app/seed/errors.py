"""The one error the seed loader raises for bad input."""

from __future__ import annotations


class SeedError(Exception):
    """A seed file is wrong; names the file, the entry (e.g. a measure code) and the field."""

    def __init__(self, file: str, entry: str, field: str, message: str) -> None:
        self.file = file
        self.entry = entry
        self.field = field
        self.message = message
        super().__init__(f"{file}: Eintrag {entry!r}, Feld {field!r}: {message}")
