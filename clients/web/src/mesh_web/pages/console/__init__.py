"""The console: coordinators' and admins' pages, under ``/console``; each module's ``router`` is listed here once."""

from mesh_web.pages.console import program_editor, program_pages

ROUTERS = [program_pages.router, program_editor.router]
