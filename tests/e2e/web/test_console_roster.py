"""A coordinator imports a program's roster in a real browser, by keyboard: a file whose columns are wrong is
refused beside the field (focus on the error summary); a file with good and bad rows imports while the
page follows its progress, ends with counts that match what profile then holds, and its error report
names exactly the bad rows by line; the same file again adds nobody (every good row unchanged). Every
state of the pages (the upload form, a refusal, an import in progress, done, done with errors) is checked
(axe WCAG A/AA, no token, no CSP refusal, one h1, reflow at 320 px) and photographed in English and
Spanish. A participant, a coordinator of another campus and another institution's admin find none of it;
the institution's admin finds the coordinator's import."""

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from mesh_local.keycloak import user_token
from mesh_roster.reading import Row, read_records
from tests.e2e.web.browser import Person

COORDINATOR, ADMIN, SOUTH, OTHER_ADMIN, STUDENT = "cole", "nadia", "sara", "rita", "student35"
INSTITUTION = "northbridge"
HEADER = ["external_id", "email", "display_name", "campus", "topics", "languages", "time_zone", "availability", "custom.course"]
BAD_LINES = {4: "time_zone is empty", 6: "Mars/Olympus", 8: "south"}  # the file's error, then two of profile's


@pytest.fixture(scope="module")
def program(platform, web) -> dict:
    """A program on campus north only, created by the institution's admin, with one roster-only question."""
    config, _ = platform
    body = {
        "program_id": f"tutoring-{uuid.uuid4().hex[:6]}",
        "name": "Maths peer tutoring",
        "setting": "academic",
        "campuses": ["north"],
        "matching_mode": "mentor_mentee",
        "matchmaking": "coordinator_rounds",
        "topics": ["Calculus II", "Statistics"],
        "custom_attributes": [{"name": "course", "label": "Course code", "kind": "text", "asked": False}],
    }
    answer = httpx.post(
        f"{config.service_url('profile')}/programs",
        json=body,
        timeout=10,
        headers={"authorization": f"Bearer {user_token(config, ADMIN)}"},
    )
    assert answer.status_code == 201, answer.text
    return body


def roster(tag: str) -> bytes:
    """Four good rows and three bad ones (lines 4, 6 and 8)."""

    def person(index: int, **changes: str) -> list[str]:
        values = {
            "external_id": f"{tag}-{index:03d}",
            "email": f"{tag}.{index}@northbridge.example.edu",
            "display_name": f"Tutor {index}",
            "campus": "north",
            "topics": "Calculus II:mentor" if index % 2 else "Statistics:mentee",
            "languages": "en; es",
            "time_zone": "America/New_York",
            "availability": "mon 17:00-19:00; thu 12:00-13:00",
            "custom.course": "MATH101",
        } | changes
        return [values[name] for name in HEADER]

    rows = [
        person(1),
        person(2),
        person(3, time_zone=""),
        person(4),
        person(5, time_zone="Mars/Olympus"),
        person(6),
        person(7, campus="south"),
    ]
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerows([HEADER, *rows])
    return text.getvalue().encode()


async def _upload(person: Person, name: str, content: bytes) -> None:
    """Chooses the file (the one thing done as a pointer would: the file chooser is the system's), then sends
    the form by keyboard."""
    await person.page.locator("#roster").set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
    await person.press_on("main form button[type='submit']")


async def _until_ended(person: Person, seconds: int = 90) -> str:
    """Waits on the import's page (which follows the import by itself) until it says the import ended."""
    for _ in range(seconds * 2):
        if await person.page.locator("#import-progress[hx-trigger]").count() == 0:
            return await person.page.locator("#import-progress").inner_text()
        await person.page.wait_for_timeout(500)
    raise AssertionError(f"the import never ended: {await person.page.locator('main').inner_text()}")


async def _counts(person: Person) -> dict[str, int]:
    terms = await person.page.locator("#import-progress dl dt").all_inner_texts()
    values = await person.page.locator("#import-progress dl dd").all_inner_texts()
    return {term.strip(): int(value.replace(",", "").replace(".", "")) for term, value in zip(terms, values, strict=True)}


def _report_rows(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


async def _seed_import(config, program_id: str, status: str = "running", **counts: int) -> uuid.UUID:
    """An import record as the app writes it (an import in progress cannot be held still on a live platform)."""
    import_id = uuid.uuid4()
    connection = await asyncpg.connect(config.database_url("web"))
    try:
        await connection.execute(
            "INSERT INTO roster_imports (import_id, institution, program_id, uploaded_by, uploader_name, file_name, "
            "file_format, file_bytes, sha256, status, bytes_done, rows_read, rows_sent, new, updated, unchanged, rejected, "
            "started_at, heartbeat_at, finished_at) VALUES ($1, $2, $3, 'seeded', 'Cole Coordinator', 'spring-intake.csv', "
            "'csv', 200000, $4, $5, 83000, 1500, 1500, $6, $7, $8, $9, $10, now() + interval '1 hour', $11)",
            import_id,
            INSTITUTION,
            program_id,
            "0" * 64,
            status,
            counts.get("new", 1400),
            counts.get("updated", 60),
            counts.get("unchanged", 30),
            counts.get("rejected", 10),
            datetime.now(UTC) - timedelta(minutes=2),
            None if status == "running" else datetime.now(UTC),
        )
    finally:
        await connection.close()
    return import_id


async def _end_seeded(config, import_id: uuid.UUID) -> None:
    connection = await asyncpg.connect(config.database_url("web"))
    try:
        await connection.execute(
            "UPDATE roster_imports SET status = 'done', bytes_done = file_bytes, finished_at = now() WHERE import_id = $1",
            import_id,
        )
    finally:
        await connection.close()


async def _the_journey(person: Person, config, program: dict, tag: str, screenshots: bool) -> None:
    shot = person.check if screenshots else (lambda name: person.check(name, screenshot=False))
    program_id = program["program_id"]
    base = f"/console/programs/{program_id}/roster"
    await person.goto(f"/console/programs/{program_id}")
    await person.press_on(f"a[href='{base}']")
    assert await person.page.locator(f"nav a[aria-current='page'][href='{base}']").count() == 1  # the Roster tab
    await person.tab_to("details.mesh-roster-columns summary")  # what each column holds, opened by keyboard
    await person.page.keyboard.press("Enter")
    assert await person.page.locator("details.mesh-roster-columns[open] code", has_text="custom.course").count() == 1
    await shot("console-roster")

    # A refusal: the columns are wrong; nothing starts
    await _upload(person, "wrong-columns.csv", b"external_id,email,nickname\ns1,a@example.edu,x\n")
    assert await person.focused_is_error_summary(), "focus lands on the error summary after a refused upload"
    assert "nickname" in await person.page.locator("#roster-error").inner_text()
    await shot("console-roster-refused")

    # The file with good and bad rows: watched to the end
    content = roster(tag)
    await _upload(person, f"{tag}.csv", content)
    assert "/roster/imports/" in person.page.url, person.page.url
    import_path = person.page.url.removeprefix(person.base_url)
    ended = await _until_ended(person)
    assert await person.page.locator("progress#import-bar[value='100']").count() == 1, ended
    counts = list((await _counts(person)).values())
    assert counts == [7, 4, 0, 0, 3], counts  # rows, new, updated, unchanged, not imported
    await shot("console-roster-done-errors")

    # The error report: exactly the bad rows, by line
    link = person.page.locator("a[href$='/errors.csv']")
    await person.tab_to(link)
    async with person.page.expect_download() as started:
        await person.page.keyboard.press("Enter")
    rows = _report_rows(await (await started.value).path())
    assert {int(row["line"]): row["reason"] for row in rows}.keys() == BAD_LINES.keys()
    for row in rows:
        assert BAD_LINES[int(row["line"])] in row["reason"], row

    # What profile holds: the four good rows, as they are (sent again as one batch: all unchanged)
    good = [record for record in read_records(io.BytesIO(content), "csv") if isinstance(record, Row)]
    cole = {"authorization": f"Bearer {user_token(config, COORDINATOR)}"}
    async with httpx.AsyncClient(base_url=config.service_url("profile"), headers=cole, timeout=20) as http:
        answer = await http.post(f"/programs/{program_id}/roster", json={"rows": [row.as_json() for row in good]})
        assert answer.status_code == 200 and answer.json()["unchanged"] == 4, answer.text
        first = answer.json()["rows"][0]["participant_id"]
        held = await http.get(f"/participants/{first}/contact")
        assert held.status_code == 200 and held.json()["display_name"] == "Tutor 1", held.text

    # The same file again: nobody doubled
    await person.goto(base)
    await _upload(person, f"{tag}.csv", content)
    await _until_ended(person)
    assert list((await _counts(person)).values()) == [7, 0, 0, 4, 3]
    # Good rows only: done, nothing to report
    await person.goto(base)
    good_only = b"\n".join(line for number, line in enumerate(content.split(b"\n"), start=1) if number not in BAD_LINES) + b"\n"
    await _upload(person, f"{tag}-good.csv", good_only)
    await _until_ended(person)
    assert await person.page.locator("a[href$='/errors.csv']").count() == 0
    await shot("console-roster-done")
    await person.goto(import_path)  # the first import is still there, as it ended

    # In progress (an import another replica runs): the page follows it, and says how without JavaScript
    running = await _seed_import(config, program_id)
    await person.goto(f"{base}/imports/{running}")
    assert await person.page.locator("#import-progress[hx-trigger='every 1s']").count() == 1
    assert await person.page.locator("progress#import-bar[value='41']").count() == 1
    await shot("console-roster-running")
    await person.press_on(f"#import-progress a[href='{base}/imports/{running}']")  # "Check progress"
    assert person.page.url.endswith(f"/imports/{running}")
    # It ends: the page says so by itself (htmx), in its live status line too, without reloading
    said = await person.page.locator("#import-status").inner_text()
    await person.page.evaluate("() => { window.stillThisPage = true; }")
    await _end_seeded(config, running)
    await _until_ended(person, seconds=20)
    assert await person.page.evaluate("() => window.stillThisPage === true"), "the page was reloaded"
    assert await person.page.locator("progress#import-bar[value='100']").count() == 1
    assert await person.page.locator("#import-status").inner_text() != said


async def test_a_coordinator_imports_a_roster_by_keyboard_and_watches_it(platform, web, browser, program) -> None:
    config, _ = platform
    english = await Person.open(browser, COORDINATOR, web, language="en")
    spanish = await Person.open(browser, COORDINATOR, web, language="es")
    try:
        await english.sign_in(by_keyboard=True)
        await _the_journey(english, config, program, f"en{uuid.uuid4().hex[:6]}", screenshots=True)
        await spanish.sign_in(by_keyboard=False)
        await _the_journey(spanish, config, program, f"es{uuid.uuid4().hex[:6]}", screenshots=True)
    finally:
        await english.close()
        await spanish.close()


async def test_an_import_is_seen_by_its_programs_staff_only(platform, web, browser, program) -> None:
    config, _ = platform
    done = await _seed_import(config, program["program_id"], "done")
    page = f"/console/programs/{program['program_id']}/roster/imports/{done}"
    for username, expected in ((ADMIN, 200), (STUDENT, 404), (SOUTH, 404), (OTHER_ADMIN, 404)):
        person = await Person.open(browser, username, web)
        try:
            await person.sign_in(by_keyboard=False)
            for path in (page, f"{page}/errors.csv", f"/console/programs/{program['program_id']}/roster"):
                answer = await person.context.request.get(web + path)
                assert answer.status == (200 if username == ADMIN else 404), (username, path, answer.status)
            if expected == 200:
                await person.goto(page)
                assert "Cole Coordinator" in await person.page.locator("main").inner_text()
        finally:
            await person.close()
