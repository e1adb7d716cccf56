"""The README's table of events, written from the catalogue and the services' declarations so it cannot
drift: ``make contracts`` rewrites what stands between the markers, ``make contracts-check`` fails when
it differs."""

import re
from collections.abc import Sequence

from mentoring_contracts import CATALOG, Event
from mesh_runtime.app import ServiceDefinition

BEGIN = "<!-- events:begin (written by `make contracts` from contracts/ and the services' declarations: edit those) -->"
END = "<!-- events:end -->"
HEADER = (
    "| event (`type` = `org.mentoringmesh.<Name>.v<version>`; v2 where contracts 2.0 took personal data off) "
    "| topic | key | published by | consumed by |\n| --- | --- | --- | --- | --- |"
)
_BLOCK = re.compile(re.escape(BEGIN.split(" (")[0]) + r".*?" + re.escape(END), re.DOTALL)


class MissingMarkers(Exception):
    pass


def summary(model: type[Event]) -> str:
    """The docstring's first sentence, in Markdown."""
    paragraph = " ".join((model.__doc__ or "").strip().split("\n\n")[0].split())
    sentence = re.split(r"(?<=\.)\s+(?=[A-Z])", paragraph)[0]
    return sentence.replace("``", "`").replace("|", "\\|")


def _names(services: Sequence[ServiceDefinition], listed: str, model: type[Event]) -> str:
    """The services whose ``publishes`` or ``consumes`` hold the event, in any of its versions."""
    names = [s.name for s in services if any(m.name == model.name for m in getattr(s, listed))]
    return ", ".join(names) or "—"


def table(services: Sequence[ServiceDefinition]) -> str:
    current = [model for model in CATALOG if not model.retired]
    rows = [
        f"| `{m.name}`{f' v{m.version}' if m.version > 1 else ''}: {summary(m)} | `{m.topic.name}` | {m.topic.key} "
        f"| {_names(services, 'publishes', m)} | {_names(services, 'consumes', m)} |"
        for m in current
    ]
    lead = f"The {len(current)} events the services exchange today, each in its current version:"
    return "\n".join([BEGIN, lead, "", HEADER, *rows, END])


def with_table(readme: str, services: Sequence[ServiceDefinition]) -> str:
    """The README with its table replaced by the current one."""
    if not _BLOCK.search(readme):
        raise MissingMarkers(f"README.md has no `{BEGIN.split(' (')[0]}` … `{END}` block for the event table")
    return _BLOCK.sub(lambda _: table(services), readme, count=1)
