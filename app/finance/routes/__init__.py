"""HTML pages and forms of the finance domain."""
