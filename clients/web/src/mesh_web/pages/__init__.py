"""The pages, one module per part of the journey; each module's ``router`` is listed here once."""

from mesh_web.pages import common, home, inbox, pair, participation, profile, programs, settings
from mesh_web.pages.console import ROUTERS as CONSOLE_ROUTERS

ROUTERS = [
    common.router,
    home.router,
    programs.router,
    profile.router,
    participation.router,
    pair.router,
    inbox.router,
    settings.router,
    *CONSOLE_ROUTERS,
]
