"""Notify's HTTP API: one router per resource. Each route declares ``Uow`` (``dependencies``) to be
handed its unit of work; it reads through ``queries``; what a use case refuses is answered by
``refusals.REFUSALS``, once."""

from mesh_notify.adapters.http import digest, inbox, notifications, preferences

ROUTERS = [notifications.router, inbox.router, preferences.router, digest.router]
