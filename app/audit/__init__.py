"""Append-only change log written by one session-event mechanism."""
