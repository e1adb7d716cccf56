"""Scheduling's HTTP API: one router per resource. Each route declares ``Uow`` (``dependencies``) to be
handed its unit of work; it reads through ``queries``; what a use case refuses is answered by
``refusals.REFUSALS``, once."""

from mesh_scheduling.adapters.http import agreements, calendar, pair, session_changes, sessions

ROUTERS = [sessions.router, session_changes.router, agreements.router, pair.router, calendar.router]
# A private calendar feed: its URL is the credential, so no bearer token.
PUBLIC_ROUTERS = [calendar.public_router]
