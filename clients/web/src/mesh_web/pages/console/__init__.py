"""The console: coordinators' and admins' pages, under ``/console``; each module's ``router`` is listed here once."""

from mesh_web.pages.console import (
    admin,
    attention,
    digest,
    health,
    matching,
    pairs,
    participants,
    program_editor,
    program_pages,
    roster,
)

ROUTERS = [
    program_pages.router,
    program_editor.router,
    health.router,
    participants.router,
    pairs.router,
    matching.router,
    attention.router,
    roster.router,
    admin.router,
    digest.router,
]
