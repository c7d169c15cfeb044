"""`make bench` rows, one module per area (scripts/bench.py runs them)."""
