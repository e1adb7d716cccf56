"""Two students, a mentor and a mentee, go through the whole journey in the web app, through the real
IdP login page, in a real browser: the mentor in English by keyboard alone, the mentee in Spanish.
Every page they see is checked (axe WCAG A/AA, no token, no CSP refusal, one h1, reflow at 320 px)
and photographed. They join through the program's registration question (a refusal first, beside
the field, focus on the error summary), find each other among suggestions with reasons, ask and
accept, agree goals, move, cancel and complete sessions with a reflection, make and revoke the
calendar link, read the inbox, set quiet hours, and in the end one leaves and the other erases their
data and watches every service confirm."""

import re
import uuid

import httpx
import pytest

from mesh_local.keycloak import user_token
from tests.e2e.web.browser import Person

MENTOR, MENTEE = "student35", "student37"  # both on campus north


@pytest.fixture(scope="module")
def program(platform, web) -> dict:
    config, _ = platform
    body = {
        "program_id": f"study-{uuid.uuid4().hex[:6]}",
        "name": "Calculus study partners",
        "setting": "academic",
        "campuses": ["north", "south"],
        "matching_mode": "mentor_mentee",
        "matchmaking": "self_selection",
        "roles_offered": ["mentor", "mentee"],
        "topics": ["Calculus II", "Linear algebra"],
        "default_cadence": "weekly",
        "session_minutes": 60,
        "custom_attributes": [
            {
                "name": "course",
                "label": "Course you are taking",
                "kind": "choice",
                "asked": True,
                "help": "The mathematics course you take this term",
                "choices": ["MATH101", "MATH102", "ART100"],
            }
        ],
        "eligibility": [
            {
                "rule_id": "maths-course",
                "attribute": "custom.course",
                "operator": "one_of",
                "values": ["MATH101", "MATH102"],
                "summary": "students of a first-year mathematics course",
            }
        ],
    }
    answer = httpx.post(
        f"{config.service_url('profile')}/programs",
        json=body,
        timeout=10,
        headers={"authorization": f"Bearer {user_token(config, 'nadia')}"},
    )
    assert answer.status_code == 201, answer.text
    return body


async def _until(person: Person, path: str, present: str, tries: int = 40) -> None:
    """Reload ``path`` until ``present`` (a selector) shows: what the services do after a click travels by Kafka."""
    for _ in range(tries):
        await person.goto(path)
        if await person.page.locator(present).count():
            return
        await person.page.wait_for_timeout(500)
    raise AssertionError(f"{present} never showed on {path}")


async def _participation_path(person: Person) -> str:
    href = await person.page.locator("a[href^='/participations/']").first.get_attribute("href")
    assert href
    return href.split("#")[0]


async def test_a_mentor_by_keyboard_and_a_mentee_in_spanish_go_through_the_whole_journey(platform, web, browser, program) -> None:
    config, _ = platform
    mentor = await Person.open(browser, MENTOR, web, language="en")
    mentee = await Person.open(browser, MENTEE, web, language="es")
    try:
        # The mentor signs in by keyboard and joins; the question left unanswered is refused beside it.
        await mentor.sign_in(by_keyboard=True)
        await mentor.check("journey-home")
        await mentor.press_on(f"a[href='/programs/{program['program_id']}/join']")
        await mentor.check("journey-join")
        await mentor.tick("#topics-mentor-1")
        await mentor.tick("input[name='meeting_modes'][value='online']")
        await mentor.press_on("main form button[type='submit']:not([name])")
        assert await mentor.focused_is_error_summary(), "focus lands on the error summary after a failed submit"
        summary = await mentor.page.locator("[data-error-summary]").inner_text()
        assert "Course you are taking" in summary or "course" in summary.lower(), summary
        await mentor.check("journey-join-errors")
        await mentor.choose("custom_attributes.course", "ART100")  # refused by the program's rule
        await mentor.tick("input[name='languages'][value='en']")
        for cell in ("mon-18", "mon-19", "wed-18"):
            await mentor.tick(f"input[name='availability'][value='{cell}']")
        await mentor.press_on("main form button[type='submit']:not([name])")
        assert await mentor.focused_is_error_summary()
        field = await mentor.page.locator("#custom_attributes-course").inner_text()
        assert "first-year mathematics course" in field, (field, await mentor.page.locator("[data-error-summary]").inner_text())
        await mentor.check("journey-join-refused")
        await mentor.choose("custom_attributes.course", "MATH101")
        await mentor.press_on("main form button[type='submit']:not([name])")
        assert re.search(r"/participations/[0-9a-f-]{36}$", mentor.page.url), mentor.page.url
        mentor_hub = mentor.page.url.removeprefix(web)
        await mentor.check("journey-participation")

        # The mentee, in Spanish, joins, finds the mentor among suggestions with reasons, and asks.
        await mentee.sign_in(by_keyboard=False)
        assert await mentee.page.locator("html[lang='es']").count() == 1
        await mentee.goto(f"/programs/{program['program_id']}/join")
        await mentee.mark("#topics-mentee-1")
        await mentee.mark("input[name='custom_attributes.course'][value='MATH102']")
        for language in ("en", "es"):
            await mentee.mark(f"input[name='languages'][value='{language}']")
        await mentee.mark("input[name='meeting_modes'][value='online']")
        for cell in ("mon-18", "mon-19", "wed-18"):
            await mentee.mark(f"input[name='availability'][value='{cell}']")
        async with mentee.page.expect_navigation():
            await mentee.page.click("main form button[type='submit']:not([name])")
        mentee_hub = mentee.page.url.removeprefix(web)
        await mentee.page.click(f"a[href='{mentee_hub}/partners']")
        await _until(mentee, f"{mentee_hub}/partners", "input[name='partner_ids']")
        suggestion = mentee.page.locator("#partner_ids")
        assert "Student35" in await suggestion.inner_text()
        await mentee.check("journey-suggestions")
        await mentee.mark("input[name='partner_ids']")
        async with mentee.page.expect_navigation():
            await mentee.page.click("form[action$='/requests'] button[type='submit']")
        await mentee.check("journey-requested")

        # The mentor sees the proposal with its reasons and accepts, by keyboard.
        await _until(mentor, mentor_hub, "form[action$='/accept'] button")
        assert await mentor.page.get_by_text("Why matching proposes it").count()
        await mentor.check("journey-proposal")
        await mentor.press_on("form[action$='/accept'] button", navigates=False)  # htmx swaps the proposals' region
        assert await mentor.page.evaluate("() => !!document.activeElement.closest('#matches')"), (
            "focus lands on the changed region after an enhanced update"
        )
        await mentor.check("journey-accepted")
        await _until(mentor, mentor_hub, "a[href^='/pairs/']")
        pair = await mentor.page.locator("a[href^='/pairs/']").first.get_attribute("href")
        assert pair
        await mentor.goto(pair)
        assert "Student37" in await mentor.page.locator("main").inner_text()  # whom they meet, by name
        await mentor.check("journey-pair")

        # The mentee proposes the agreement; the mentor confirms it by keyboard; sessions are planned.
        await mentee.goto(f"{pair}/agreement")
        await mentee.check("journey-agreement-form")
        await mentee.page.fill("#goals-0-description", "pass the Calculus II final")
        await mentee.page.fill("#expectations", "come prepared\nanswer within two days")
        async with mentee.page.expect_navigation():
            await mentee.page.click("button[name='propose']")
        await mentee.check("journey-agreement-proposed")
        await _until(mentor, pair, f"form[action^='{pair}/agreement/'] button")
        await mentor.press_on(f"form[action^='{pair}/agreement/'] button")
        await _until(mentor, pair, "a[href*='/sessions/'][href$='/move']")
        await mentor.check("journey-pair-with-sessions")

        # Move the first session a day later (keyboard: the date's day field, one up), cancel the second.
        await mentor.press_on("a[href*='/sessions/'][href$='/move']")
        await mentor.check("journey-move")
        await mentor.tab_to("#starts_at")
        await mentor.page.keyboard.press("ArrowRight")  # month -> day
        await mentor.page.keyboard.press("ArrowUp")
        await mentor.press_on("main form button[type='submit']")
        assert mentor.page.url.endswith(pair) or pair in mentor.page.url
        await mentee.goto(pair)
        if await mentee.page.locator("form[action$='/move/confirm'] button").count():
            async with mentee.page.expect_navigation():
                await mentee.page.click("form[action$='/move/confirm'] button")

        # The mentor records the session as done, with a reflection and a rating, by keyboard.
        await mentor.goto(pair)
        await mentor.press_on("a[href*='/sessions/'][href$='/complete']")
        await mentor.check("journey-complete")
        await mentor.choose("progress_rating", "4")
        await mentor.type_into("#notes", "We worked through integration by parts.")
        await mentor.press_on("main form button[type='submit']")
        assert "integration by parts" in await mentor.page.locator("main").inner_text()
        await mentor.check("journey-pair-completed")

        # The series goes on; the mentee cancels the next session (a reason is asked for first).
        await _until(mentee, pair, "a[href*='/sessions/'][href$='/cancel']")
        async with mentee.page.expect_navigation():
            await mentee.page.click("a[href*='/sessions/'][href$='/cancel']")
        await mentee.check("journey-cancel")
        async with mentee.page.expect_navigation():
            await mentee.page.click("main form button[type='submit']")
        assert await mentee.focused_is_error_summary()
        await mentee.check("journey-cancel-errors")
        await mentee.page.fill("#reason", "exam week")
        async with mentee.page.expect_navigation():
            await mentee.page.click("main form button[type='submit']")
        assert pair in mentee.page.url, mentee.page.url

        # The mentee's private calendar link, made and revoked.
        await mentee.goto(pair)
        async with mentee.page.expect_navigation():
            await mentee.page.click(f"form[action='{pair}/calendar-link'] button")
        feed = await mentee.page.locator("main input[readonly]").input_value()
        assert "/calendars/" in feed
        assert (await mentee.page.request.get(feed)).status == 200
        await mentee.check("journey-calendar-link")
        async with mentee.page.expect_navigation():
            await mentee.page.click(f"form[action='{pair}/calendar-link/revoke'] button")
        assert (await mentee.page.request.get(feed)).status == 404

        # The mentor's inbox: what notify sent, opened (read), by keyboard.
        await _until(mentor, "/inbox", "a[href^='/inbox/']")
        await mentor.check("journey-inbox")
        await mentor.press_on("a[href^='/inbox/']")
        await mentor.check("journey-notification")
        # The mentee's quiet hours.
        await mentee.goto("/settings")
        await mentee.check("journey-settings")
        await mentee.page.locator("input[name$='quiet_start'], input[name='quiet_start']").first.fill("22:00")
        await mentee.page.locator("input[name$='quiet_end'], input[name='quiet_end']").first.fill("07:00")
        async with mentee.page.expect_navigation():
            await mentee.page.click("main form button[type='submit']")
        await mentee.check("journey-settings-saved")

        # The mentor leaves (by keyboard); the mentee erases their data and watches each service confirm.
        await mentor.goto(f"{mentor_hub}/leave")
        await mentor.check("journey-leave")
        await mentor.press_on("main form button[type='submit']")
        await mentee.goto(f"{mentee_hub}/erase")
        await mentee.check("journey-erase")
        async with mentee.page.expect_navigation():
            await mentee.page.click("main form button[type='submit']")  # the box left unticked: refused
        assert await mentee.focused_is_error_summary()
        await mentee.check("journey-erase-errors")
        await mentee.mark("main input[type='checkbox']")
        async with mentee.page.expect_navigation():
            await mentee.page.click("main form button[type='submit']")
        for _ in range(60):
            if await mentee.page.locator("[data-erasure-complete]").count():
                break
            await mentee.page.wait_for_timeout(500)
            await mentee.page.reload()
        assert await mentee.page.locator("[data-erasure-complete]").count(), await mentee.page.locator("main").inner_text()
        await mentee.check("journey-erased")
        for person in (mentor, mentee):  # nothing broke in the page: only the refusals the journey provoked
            assert all("status of 422" in error for error in person.console_errors), person.console_errors
    finally:
        await mentor.close()
        await mentee.close()
