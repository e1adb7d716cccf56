"""Profile's HTTP API: one router per resource. Each route declares ``Uow`` (``dependencies``) to be
handed its unit of work; it reads through ``queries``; what a use case refuses is answered by
``refusals.REFUSALS``, once."""

from mesh_profile.adapters.http import erasures, me, mentoring, participants, programs, reads, roster

ROUTERS = [
    programs.router,
    roster.router,
    participants.router,
    reads.router,
    mentoring.router,
    me.router,
    erasures.router,
]
