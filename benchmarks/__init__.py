"""Benchmarks for iocdesk (not shipped with the package)."""
