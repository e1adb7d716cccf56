"""Pure domain of the scheduling service: no I/O, no frameworks."""
