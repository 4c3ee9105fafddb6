"""Benchmarks, audits and reports: numbers, not tests, and never imported by
a build. Run from the project folder: `python -m benchmarks --help`."""
