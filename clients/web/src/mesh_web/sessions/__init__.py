"""Server-side sessions: the browser holds a random id in a ``__Host-`` cookie, nothing else."""
