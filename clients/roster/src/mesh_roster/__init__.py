"""mesh-roster: a program's roster, from a file to profile's bulk endpoint."""
