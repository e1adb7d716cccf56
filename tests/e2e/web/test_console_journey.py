"""A coordinator runs a program from the console, in a real browser, by keyboard alone: creates it
through the guided form (a mistake first, refused beside its field), previews its registration page,
changes it, and closes another. Every page is checked (axe WCAG A/AA, no token, no CSP refusal, one h1,
reflow at 320 px) and photographed in English and Spanish; a participant and another institution's
admin find none of it."""

import asyncio
import uuid

import httpx

from mesh_local.keycloak import user_token
from tests.e2e.web.browser import Person

COORDINATOR, OTHER_ADMIN, STUDENT = "cole", "rita", "student35"  # cole coordinates campus north


async def _type_date(person: Person, selector: str, iso: str) -> None:
    """A date input takes digits in the order of the browser's own locale (not the page's): month first,
    else day first."""
    year, month, day = iso.split("-")
    for digits in (f"{month}{day}{year}", f"{day}{month}{year}"):
        await person.tab_to(selector)
        await person.page.keyboard.type(digits)
        if await person.page.locator(selector).input_value() == iso:
            return
    raise AssertionError(f"{selector} did not take {iso}")


async def _create_program(person: Person, program_id: str, screenshots: bool) -> None:
    shot = person.check if screenshots else (lambda name: person.check(name, screenshot=False))
    await person.goto("/console")
    await shot("console-programs")
    await person.press_on("a[href='/console/new-program']")
    await shot("console-program-about")
    # A mistake first: an id with capitals and no campus
    await person.type_into("#program_id", "Bad Id")
    await person.type_into("#name", "Physics study circles")
    await person.press_on("main form button[type='submit']:not([name])")
    assert await person.focused_is_error_summary(), "focus lands on the error summary after a failed submit"
    assert await person.page.locator("#program_id-error").count() == 1
    assert await person.page.locator("#campuses-error").count() == 1
    await shot("console-program-about-errors")
    await person.type_into("#program_id", program_id)
    await person.tick("#campuses-1")
    await person.type_into("#participation_criteria", "first-year physics students")
    await person.press_on("main form button[type='submit']:not([name])")
    # Terms: one term
    assert person.page.url.endswith("/console/new-program/terms"), person.page.url
    await shot("console-program-terms")
    await person.type_into("#terms-0-name", "Spring term 2027")
    await _type_date(person, "#terms-0-starts_on", "2027-01-11")
    await _type_date(person, "#terms-0-ends_on", "2027-05-07")
    await person.press_on("main form button[type='submit']:not([name])")
    # Matching
    assert person.page.url.endswith("/console/new-program/matching"), await person.page.locator("main").inner_text()
    await shot("console-program-matching")
    await person.choose("matchmaking", "coordinator_rounds")
    await person.type_into("#topics", "Mechanics\nOptics")
    await person.press_on("main form button[type='submit']:not([name])")
    # Limits
    await shot("console-program-limits")
    await person.type_into("#capacity-mentor", "40")
    await person.press_on("main form button[type='submit']:not([name])")
    # Registration questions: one choice question, asked
    await shot("console-program-questions")
    await person.type_into("#custom_attributes-0-label", "Lab group")
    await person.page.locator("#custom_attributes-0-kind").select_option("choice")
    await person.type_into("#custom_attributes-0-choices", "A\nB\nC")
    await person.type_into("#custom_attributes-0-help", "The lab group on your timetable")
    await person.tick("#custom_attributes-0-asked-1")
    await person.press_on("main form button[type='submit']:not([name])")
    # Rules
    await shot("console-program-rules")
    await person.press_on("main form button[type='submit']:not([name])")
    # Check, preview, create
    assert person.page.url.endswith("/console/new-program/check"), person.page.url
    await shot("console-program-check")
    await person.press_on("a[href='/console/new-program/preview']")
    await shot("console-program-preview")
    assert (
        await person.page.locator("select[name='custom_attributes.lab-group'], [name='custom_attributes.lab_group']").count() >= 1
    )
    await person.goto("/console/new-program/check")
    await person.press_on("form#program button[type='submit']")
    assert person.page.url.endswith(f"/console/programs/{program_id}"), person.page.url
    await shot("console-program")


async def test_a_coordinator_creates_changes_and_closes_programs_by_keyboard(platform, web, browser) -> None:
    config, _ = platform
    english = await Person.open(browser, COORDINATOR, web, language="en")
    spanish = await Person.open(browser, COORDINATOR, web, language="es")
    try:
        await english.sign_in(by_keyboard=True)
        created = f"physics-{uuid.uuid4().hex[:6]}"
        await _create_program(english, created, screenshots=True)
        # What the API holds is what was typed
        answer = await asyncio.to_thread(
            httpx.get,
            f"{config.service_url('profile')}/programs/{created}",
            timeout=10,
            headers={"authorization": f"Bearer {user_token(config, COORDINATOR)}"},
        )
        assert answer.status_code == 200, answer.text
        program = answer.json()
        assert program["campuses"] == ["north"] and program["matchmaking"] == "coordinator_rounds"
        assert program["terms"][0]["starts_on"] == "2027-01-11" and program["capacity"] == [{"role": "mentor", "most": 40}]
        assert program["custom_attributes"][0] | {"help": None} == {
            "name": "lab_group",
            "label": "Lab group",
            "kind": "choice",
            "choices": ["A", "B", "C"],
            "asked": True,
            "help": None,
        }
        # Spanish: the same journey, photographed in Spanish
        await spanish.sign_in(by_keyboard=False)
        await _create_program(spanish, f"fisica-{uuid.uuid4().hex[:6]}", screenshots=True)
        # Change: the name, from the summary
        await english.goto(f"/console/programs/{created}")
        await english.press_on(f"a[href='/console/programs/{created}/edit']")
        await english.check("console-program-edit")
        await english.press_on(f"a[href='/console/programs/{created}/edit/about?from=check']")
        await english.type_into("#name", "Physics study circles (spring)")
        await english.press_on("main form button[type='submit']:not([name])")
        await english.press_on("form#program button[type='submit']")
        assert await english.page.locator("h1", has_text="Physics study circles (spring)").count() == 1
        # Close it
        await english.press_on(f"a[href='/console/programs/{created}/close']")
        await english.check("console-program-close")
        await english.press_on("main form button[type='submit']")
        assert await english.page.locator("#confirm-error").count() == 1
        await english.tick("#confirm-1")
        await english.press_on("main form button[type='submit']")
        await english.check("console-program-closed")
        assert await english.page.locator("a[href$='/edit']").count() == 0
    finally:
        await english.close()
        await spanish.close()


async def test_the_console_is_nobody_elses(platform, web, browser) -> None:
    student = await Person.open(browser, STUDENT, web)
    other = await Person.open(browser, OTHER_ADMIN, web)
    try:
        await student.sign_in(by_keyboard=False)
        assert await student.page.locator("a[href='/console']").count() == 0
        for path in ("/console", "/console/new-program", "/console/audit", "/console/institution"):
            answer = await student.page.goto(web + path)
            assert answer is not None and answer.status == 404, path
        coordinator = await Person.open(browser, COORDINATOR, web)
        try:
            await coordinator.sign_in(by_keyboard=False)
            for path in ("/console/audit", "/console/erasures", "/console/institution"):  # an admin's pages
                answer = await coordinator.page.goto(web + path)
                assert answer is not None and answer.status == 404, path
        finally:
            await coordinator.close()
        await other.sign_in(by_keyboard=False)
        answer = await other.page.goto(web + "/console")
        assert answer is not None and answer.status == 200
        names = await other.page.locator("main table").all_inner_texts()
        assert not any("Physics" in text for text in names), "another institution's programs are not listed"
    finally:
        await student.close()
        await other.close()
