"""JSON API of the council cycle under /api/v1: a twin for every HTML edit."""
