"""What the roster pages say, in the visitor's language: the columns a roster file holds, and where an
import stands (its share done, its status, why it ended, and the one sentence the live region reads)."""

from typing import Any

from babel.numbers import format_decimal

from mesh_roster.reading import OPTIONAL, REQUIRED
from mesh_web import i18n
from mesh_web.i18n import gettext as _

EXAMPLES = {
    "external_id": "s1234567",
    "email": "ada@uni.edu",
    "display_name": "Ada L.",
    "campus": "north",
    "topics": "Calculus II:mentee; Physics:mentor",
    "languages": "en; es",
    "time_zone": "America/New_York",
    "availability": "mon 17:00-19:00; wed 18:00-20:00",
    "role": "mentee",
    "meeting_modes": "online; in_person",
    "cadence": "weekly",
    "mentor_capacity": "2",
    "affiliation": "student",
    "year_of_study": "1",
    "department": "Mathematics",
    "experiences": "chess; hiking",
    "goals": "chess; hiking",
    "challenges": "chess; hiking",
    "interests": "chess; hiking",
}


def columns(program: dict[str, Any]) -> list[dict[str, Any]]:
    """Every column, required ones first, then the program's registration questions as ``custom.<name>``."""
    lists = _("A list separated by semicolons.")
    what = {
        "external_id": _("Your institution's id for the person (student or staff number). Once per file."),
        "email": _("Their email address: the one they sign in with, so they can claim their profile."),
        "display_name": _("Their name as others in the program see it."),
        "campus": _("Their campus: one the program runs on (%(campuses)s).", campuses=", ".join(program.get("campuses") or [])),
        "topics": _("Topics, each with a role (mentor, mentee or peer) after a colon, separated by semicolons."),
        "languages": _("The languages they speak, as language codes, separated by semicolons."),
        "time_zone": _("Their time zone, as a region and a city."),
        "availability": _("When they can meet each week, in their own time zone, separated by semicolons."),
        "role": _("The role for every topic written without one."),
        "meeting_modes": _("online, in_person, or both separated by a semicolon. If empty: online."),
        "cadence": _("How often they want to meet: weekly, biweekly, monthly or as_needed. If empty: weekly."),
        "mentor_capacity": _("How many mentees a mentor takes at once. If empty: 1 for a mentor."),
        "affiliation": _("What the program's rules may read, such as student or staff."),
        "year_of_study": _("A whole number."),
        "department": _("Their department."),
        "experiences": lists,
        "goals": lists,
        "challenges": lists,
        "interests": lists,
    }
    found = [
        {"name": name, "required": name in REQUIRED, "what": what.get(name, ""), "example": EXAMPLES.get(name, "")}
        for name in (*REQUIRED, *OPTIONAL)
    ]
    for question in program.get("custom_attributes") or []:
        found.append(
            {
                "name": f"custom.{question['name']}",
                "required": False,
                "example": ", ".join(question.get("choices") or []),
                "what": _("The answer to the registration question “%(label)s”.", label=question.get("label") or ""),
            }
        )
    return found


def progress(item: dict[str, Any]) -> dict[str, Any]:
    """Where an import stands, as its pages show it."""
    status = item["status"]
    running = status == "running"
    if status == "done":
        percent = 100
    elif item["file_bytes"]:
        percent = min(99 if running else 100, item["bytes_done"] * 100 // item["file_bytes"])
    else:
        percent = 0
    processed = sum(item[kind] for kind in ("new", "updated", "unchanged", "rejected"))
    return {
        "running": running,
        "percent": percent,
        "processed": processed,
        "status_word": status_word(status),
        "why": why(item),
        "announcement": _announcement(item, percent, processed),
        "announcement_key": f"running-{percent // 10 * 10}" if running else status,
        "alert": {"done": "success" if not item["rejected"] else "warning", "running": "info"}.get(status, "error"),
    }


def status_word(status: str) -> str:
    return {
        "running": _("Importing"),
        "done": _("Done"),
        "failed": _("Failed"),
        "stopped": _("Stopped"),
        "interrupted": _("Interrupted"),
    }.get(status, status)


def why(item: dict[str, Any]) -> str | None:
    """Why an import ended before its end, and what to do; None while it runs or when it is done."""
    again = _("Upload the same file again to finish: the rows already imported count as unchanged, and nobody is added twice.")
    if item["status"] == "interrupted":
        return _("The import was cut short: the app restarted before it finished.") + " " + again
    kind = item.get("reason_kind")
    if item["status"] in ("running", "done") or kind is None:
        return None
    texts = {
        "signed_out": _("It stopped when you signed out: nothing more was sent in your name.") + " " + again,
        "forbidden": _(
            "The profile service refused it: only an admin, or a coordinator of this program on its "
            "campuses, may import its roster."
        ),
        "not_found": _("The profile service refused it: this program is not one you may import into."),
        "program_closed": _("The program has closed: it takes no roster."),
        "unavailable": _("The profile service did not answer, even after several tries.") + " " + again,
        "unreadable": _("The file could not be read further: %(reason)s", reason=item.get("reason") or ""),
        "refused": _("The profile service refused it: %(reason)s", reason=item.get("reason") or ""),
    }
    return texts.get(kind, _("Something went wrong on our side.") + " " + again)


def _announcement(item: dict[str, Any], percent: int, processed: int) -> str:
    status = item["status"]
    if status == "running":
        return _("Importing: %(percent)s%% done.", percent=percent)
    counts = {"rows": number(processed), **{kind: number(item[kind]) for kind in ("new", "updated", "unchanged", "rejected")}}
    if status == "done":
        return _(
            "Done: %(rows)s rows, %(new)s new, %(updated)s updated, %(unchanged)s unchanged, %(rejected)s not imported.", **counts
        )
    return _("%(status)s after %(rows)s rows.", status=status_word(status), rows=number(processed))


def number(value: int) -> str:
    """A count as the visitor's language writes it (1,200 or 1.200)."""
    return format_decimal(value, locale=i18n.babel_locale())
