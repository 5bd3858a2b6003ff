"""Reads of the council cycle: approvals derived from the Beratungsfolge, sessions, Vorlagen."""
