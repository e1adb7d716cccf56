"""Matching service: keeps its own view of candidates, scores pairs, proposes matches, takes answers."""
