"""Dashboards for the heads of administration."""
