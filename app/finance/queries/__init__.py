"""Reads of the finance domain: lookups, budget reports, grant overviews, a measure's budget."""
