"""Pure domain of the profile service: no I/O, no frameworks."""
