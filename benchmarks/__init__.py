"""Rerunnable benchmarks (not part of the installed package; run from the project root)."""
