"""Benchmarks: a synthetic portfolio at Hessen scale and a runner that drives the real server.

Not part of ``make test``; run ``python -m bench --quick`` for a smoke run.
"""
