"""Reproducible benchmarks, one script per figure, JSON results."""
