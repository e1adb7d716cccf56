"""Pure domain of the matching service: no I/O, no frameworks."""
