"""A program's roster in the console: what a roster file holds (and a template to start from), uploading
one, watching it import, and the rows it did not take.

Rules:
- Staff only (``StaffDep``), and only of a program profile shows them (``program_of``: 404 otherwise).
  An import is found by its id together with the visitor's institution and the program (SQL), so
  staff of another institution, or a link with another program's id, get 404.
- The upload is taken without holding it in memory (``roster_upload``), then imported in the background
  (``roster_runner``) in the uploader's name through profile's bulk endpoint; profile decides what they
  may import, and its refusal is shown on the import's page.
- The import's page works without JavaScript ("Check progress" reloads it); with htmx its progress
  region asks again every second, and stops once the import has ended (the region then carries no
  trigger). The status line is a polite live region, changed only at each tenth of the way and at the
  end, so a screen reader is not read a number every second.
"""

import io
from typing import Any
from uuid import UUID, uuid4

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response, StreamingResponse

from mesh_roster import spreadsheet
from mesh_roster.reading import OPTIONAL, REQUIRED
from mesh_web.pages.console import roster_runner as runner
from mesh_web.pages.console import roster_store as store
from mesh_web.pages.console import roster_words as words
from mesh_web.pages.console.program_pages import program_of
from mesh_web.pages.console.roster_upload import FIELD, MOST_MEGABYTES, ROSTERS, UploadRefused, discard, receive
from mesh_web.pages.mine import is_enhanced
from mesh_web.pages.programs import remembered_program
from mesh_web.rendering import Form, fragment, page, see_other
from mesh_web.sessions.store import Session
from mesh_web.visit import StaffDep, Visit

router = APIRouter()
RECENT = 10
REPORT_PAGE = 1000  # rows of the error report read from the database at a time
REPORT_HEADER = ["line", "external_id", "reason"]  # as mesh-roster's FILE.errors.csv


@router.get("/console/programs/{program_id}/roster")
async def roster(visit: StaffDep, program_id: str) -> Response:
    return await _roster_page(visit, await program_of(visit, program_id))


@router.get("/console/programs/{program_id}/roster/template.csv")
async def template(visit: StaffDep, program_id: str) -> Response:
    """A CSV with the header row only: every column a roster may have, the program's questions last."""
    program = await program_of(visit, program_id)
    text = io.StringIO()
    spreadsheet.writer(text).writerow(
        [*REQUIRED, *OPTIONAL, *(f"custom.{question['name']}" for question in program.get("custom_attributes") or [])]
    )
    return Response(
        text.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{_ascii(program_id)}-roster.csv"'},
    )


@router.post("/console/programs/{program_id}/roster")
async def upload(visit: StaffDep, program_id: str) -> Response:
    program = await program_of(visit, program_id)
    if program.get("status") != "open":  # its page says so, and offers no upload
        return see_other(f"/console/programs/{program_id}/roster")
    runner.sweep(ROSTERS)
    import_id = uuid4()
    try:
        received = await receive(visit.request, import_id)
    except UploadRefused as refused:
        return await _refused(visit, program, refused.message, refused.status)
    wiring = visit.request.app.state.wiring
    try:
        await store.create(
            wiring.pool,
            import_id=import_id,
            institution=visit.who.institution or "",
            program_id=program_id,
            subject=visit.who.subject,
            name=visit.who.name or visit.who.username,
            file_name=received.file_name,
            file_format=received.file_format,
            file_bytes=received.size,
            sha256=received.sha256,
        )
    except BaseException:
        discard(received.path)
        raise
    # The import's own copy of the session (its id and tokens): the request's copy ends with the request.
    session = Session(visit.session.cookie, {"tokens": dict(visit.session.data.get("tokens") or {})}, visit.session.subject)
    runner.start(
        wiring.pool,
        wiring.settings.profile_url,
        runner.session_tokens(wiring.sessions, wiring.idp.refresh, session),
        runner.Upload(import_id, program_id, received.path, received.file_format, received.size),
    )
    return see_other(f"/console/programs/{program_id}/roster/imports/{import_id}")


@router.get("/console/programs/{program_id}/roster/imports/{import_id}")
async def import_page(visit: StaffDep, program_id: str, import_id: UUID, announced: str | None = None) -> Response:
    enhanced = is_enhanced(visit)
    program = await (remembered_program(visit, program_id) if enhanced else program_of(visit, program_id))
    found = await _import_of(visit, program_id, import_id)
    context = {"program": program, "item": found, "number": words.number, **words.progress(found)}
    if enhanced:  # the region only; the live status line too when what it says has changed
        return fragment(
            visit,
            "console/roster_import.html",
            "progress",
            request=visit.request,
            announce=context["announcement_key"] != announced,
            **context,
        )
    return page(visit, "console/roster_import.html", **context)


@router.get("/console/programs/{program_id}/roster/imports/{import_id}/errors.csv")
async def error_report(visit: StaffDep, program_id: str, import_id: UUID) -> Response:
    """Every row not taken, by line, streamed from the database a page at a time, formula-safe."""
    await program_of(visit, program_id)
    found = await _import_of(visit, program_id, import_id)
    pool = visit.request.app.state.wiring.pool

    async def lines():
        text = io.StringIO()
        writer = spreadsheet.writer(text)
        writer.writerow(REPORT_HEADER)
        after = 0
        while True:
            rows = await store.rejections(pool, import_id, after, REPORT_PAGE)
            writer.writerows([row["line"], row["external_id"], row["reason"]] for row in rows)
            yield text.getvalue()
            text.seek(0)
            text.truncate()
            if len(rows) < REPORT_PAGE:
                return
            after = rows[-1]["line"]

    name = _ascii(found["file_name"].rsplit(".", 1)[0]) or "roster"
    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}.errors.csv"'},
    )


async def _roster_page(visit: Visit, program: dict[str, Any], form: Form | None = None, status: int = 200) -> Response:
    imports = await store.recent(visit.request.app.state.wiring.pool, visit.who.institution or "", program["program_id"], RECENT)
    return page(
        visit,
        "console/roster.html",
        status=status,
        form=form,
        program=program,
        imports=[item | words.progress(item) for item in imports],
        number=words.number,
        most=MOST_MEGABYTES,
        field=FIELD,
        columns=words.columns(program),
    )


async def _refused(visit: Visit, program: dict[str, Any], message: str, status: int) -> Response:
    form = Form()
    form.error(FIELD, message)
    return await _roster_page(visit, program, form, status)


async def _import_of(visit: Visit, program_id: str, import_id: UUID) -> dict[str, Any]:
    found = await store.one(visit.request.app.state.wiring.pool, visit.who.institution or "", program_id, import_id)
    if found is None:
        raise HTTPException(404)
    return found


def _ascii(text: str) -> str:
    return "".join(char if char.isascii() and (char.isalnum() or char in "-_.") else "_" for char in text)[:100]
