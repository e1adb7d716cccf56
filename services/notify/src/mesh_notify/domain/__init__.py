"""Pure domain of the notify service: no I/O, no frameworks."""
