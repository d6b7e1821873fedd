"""Benchmarks, run as modules: ``python -m benchmarks.bench``, ``python -m benchmarks.loadtest``."""
