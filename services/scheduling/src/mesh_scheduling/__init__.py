"""Scheduling service: puts sessions of formed pairs in their shared availability; records them done."""
