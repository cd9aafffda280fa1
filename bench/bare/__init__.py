"""Bench-only Django app and settings: Layan's production settings plus one bare view that inserts one row, so
the intake benchmark (``bench.intake_bench``) measures Layan's intake and a bare insert in the same server process
type with the same middleware stack. Never installed in a deployment."""
