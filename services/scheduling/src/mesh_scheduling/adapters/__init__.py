"""Adapters of the scheduling service: HTTP routes (``http/``), event handlers (``events.py``),
background work (``workers.py``), its PostgreSQL database (``postgres/``) and what it reads from
profile (``peers.py``)."""
