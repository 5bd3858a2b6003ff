"""JSON API of the finance domain."""
