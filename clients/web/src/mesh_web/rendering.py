"""Pages rendered from Jinja templates, in the visitor's language, with the one shape every form has:
values kept, a message beside each field in error, and a summary of them all at the top.

Every page renders through ``page()``; its context always has ``visit`` and ``who``."""

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from mesh_web import i18n
from mesh_web.visit import Visit

TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class Form:
    """What was typed, and what is wrong with it (field name -> message), in the order of the page."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, name: str, default: Any = "") -> Any:
        return self.values.get(name, default)

    def values_of(self, name: str) -> list[str]:
        found = self.values.get(name, [])
        return found if isinstance(found, list) else [found]

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def environment(assets: Any, themes: Any) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        asset=assets.url,
        when=i18n.when,
        day=i18n.day,
        clock_time=i18n.clock_time,
        themes=themes,
        time_of=time_of,
        date_of=date_of,
    )
    return env


def time_of(moment: Any, form: str = "medium") -> Markup:
    """A moment as a <time> element: its machine-readable value, and its words in the visitor's zone and language."""
    return Markup('<time datetime="{}">{}</time>').format(str(moment or ""), i18n.when(moment, form))


def date_of(moment: Any) -> Markup:
    """A day as a <time> element, in the visitor's language. Written once per day and language: a list shows
    one a row (fifty days formatted by Babel took some 15 % of the app's time for a page of participants)."""
    return _date_of(str(moment or "")[:10], i18n.current_language.get())


@lru_cache(maxsize=4096)
def _date_of(day: str, language: str) -> Markup:  # the language is part of the key: i18n.day reads it
    return Markup('<time datetime="{}">{}</time>').format(day, i18n.day(day or None))


def page(visit: Visit, template: str, *, status: int = 200, form: Form | None = None, **context: Any) -> HTMLResponse:
    wiring = visit.request.app.state.wiring
    flashes = visit.session.data.pop("flash", [])
    if flashes:
        visit.session.changed = True
    body = wiring.templates.get_template(template).render(
        visit=visit,
        who=visit.who,
        form=form or Form(),
        language=visit.language,
        flashes=flashes,
        languages=wiring.catalogues.languages,
        theme=wiring.themes.of(visit.who.institution if visit.who else None),
        request=visit.request,
        **context,
    )
    return HTMLResponse(body, status_code=status)


def fragment(visit: Visit, template: str, block: str, **context: Any) -> HTMLResponse:
    """One block of a page, for an enhanced (htmx) update of that region."""
    wiring = visit.request.app.state.wiring
    compiled = wiring.templates.get_template(template)
    rendered = compiled.blocks[block](
        compiled.new_context({"visit": visit, "who": visit.who, "form": Form(), "language": visit.language, **context})
    )
    return HTMLResponse("".join(rendered))


def see_other(url: str) -> RedirectResponse:
    """POST, then redirect (303): a reload never sends a form twice."""
    return RedirectResponse(url, status_code=303)


def flash(visit: Visit, message: str) -> None:
    """A message for the next page (after the redirect), shown once in a status region."""
    visit.session.data.setdefault("flash", []).append(message)
    visit.session.changed = True
