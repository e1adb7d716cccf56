"""Coordinator-run rounds: every eligible pair of a pool scored at once, then an optimal matching."""
