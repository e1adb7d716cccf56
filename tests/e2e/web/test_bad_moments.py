"""Nothing typed is lost at a bad moment: a form sent after the session ended comes back filled after
signing in again, and one sent while a service is down gets a page that says to try again, and is
there, filled, when they do."""

import uuid

import httpx
import pytest

from mesh_local.keycloak import user_token
from tests.e2e.web.browser import Person

STUDENT = "student29"
SAVE = "form[action='/settings'] button[type='submit']"


@pytest.fixture(scope="module")
def joined(platform, web) -> None:
    """A program the student is in, so the settings page has mail settings to change."""
    config, _ = platform
    program = f"moments-{uuid.uuid4().hex[:6]}"
    admin = {"authorization": f"Bearer {user_token(config, 'nadia')}"}
    created = httpx.post(
        f"{config.service_url('profile')}/programs",
        headers=admin,
        timeout=10,
        json={
            "program_id": program,
            "name": "Writing circle",
            "setting": "academic",
            "campuses": ["north", "south"],
            "matching_mode": "peer",
            "matchmaking": "self_selection",
            "roles_offered": ["peer"],
            "topics": ["Essays"],
        },
    )
    assert created.status_code == 201, created.text
    student = {"authorization": f"Bearer {user_token(config, STUDENT)}"}
    joined = httpx.post(
        f"{config.service_url('profile')}/participants",
        headers=student,
        timeout=10,
        json={
            "program_id": program,
            "program_setting": "academic",
            "campus": "north",
            "display_name": "Sam W.",
            "email": f"{STUDENT}@northbridge.example.edu",
            "topics": [{"topic": "Essays", "role": "peer"}],
            "languages": ["en"],
            "time_zone": "Europe/Madrid",
            "meeting_modes": ["online"],
            "weekly_availability": [{"weekday": "tue", "start": "17:00", "end": "19:00"}],
        },
    )
    assert joined.status_code == 201, joined.text


async def _settings_form_filled(person: Person) -> None:
    for _ in range(40):  # notify learns of the participant over Kafka
        await person.goto("/settings")
        if await person.page.locator("#quiet_start").count():
            break
        await person.page.wait_for_timeout(500)
    await person.page.fill("#quiet_start", "22:30")
    await person.page.fill("#quiet_end", "06:45")


async def test_a_form_sent_after_the_session_ended_is_there_again_after_signing_in(web, browser, joined) -> None:
    person = await Person.open(browser, STUDENT, web)
    try:
        await person.sign_in(by_keyboard=False)
        await _settings_form_filled(person)
        await person.context.clear_cookies(name="__Host-mesh_session")  # the session is over (as if it expired)
        async with person.page.expect_navigation():
            await person.page.click(SAVE)
        # Through the IdP (still signed in there: no form to fill) and back to the page, the form as typed.
        await person.page.wait_for_url(f"{web}/settings*")
        assert await person.page.locator("#quiet_start").input_value() == "22:30"
        assert await person.page.locator("#quiet_end").input_value() == "06:45"
        await person.check("settings-restored-after-sign-in")
    finally:
        await person.close()


async def test_a_form_sent_while_a_service_is_down_is_kept_for_when_they_try_again(web, platform, browser, joined) -> None:
    _, services = platform
    person = await Person.open(browser, STUDENT, web)
    try:
        await person.sign_in(by_keyboard=False)
        await _settings_form_filled(person)
        services.stop(("notify",))
        try:
            async with person.page.expect_navigation():
                await person.page.click(SAVE)
            assert "try again" in (await person.page.locator("main").inner_text()).lower()
            await person.check("service-unavailable")
        finally:
            services.start(("notify",))
            services.wait_ready(("notify",), timeout=120)
        async with person.page.expect_navigation():
            await person.page.click("main a.usa-button")  # "Try again"
        assert await person.page.locator("#quiet_start").input_value() == "22:30"
        assert await person.page.locator("#quiet_end").input_value() == "06:45"
    finally:
        await person.close()


async def test_a_student_a_roster_brought_in_finds_the_profile_waiting_and_confirms_it(platform, web, browser, joined) -> None:
    config, _ = platform
    program = f"rostered-{uuid.uuid4().hex[:6]}"
    admin = {"authorization": f"Bearer {user_token(config, 'nadia')}"}
    async with httpx.AsyncClient(timeout=10) as http:
        created = await http.post(
            f"{config.service_url('profile')}/programs",
            headers=admin,
            json={
                "program_id": program,
                "name": "First-year buddies",
                "setting": "academic",
                "campuses": ["north", "south"],
                "matching_mode": "peer",
                "matchmaking": "self_selection",
                "roles_offered": ["peer"],
                "topics": ["Settling in"],
            },
        )
        assert created.status_code == 201, created.text
        imported = await http.post(
            f"{config.service_url('profile')}/programs/{program}/roster",
            headers=admin,
            json={
                "rows": [
                    {
                        "line": 1,
                        "external_id": "s-0027",
                        "profile": {
                            "campus": "north",
                            "display_name": "Student27 N.",
                            "email": "student27@northbridge.example.edu",
                            "topics": [{"topic": "Settling in", "role": "peer"}],
                            "languages": ["en"],
                            "time_zone": "Europe/London",
                            "meeting_modes": ["online"],
                            "weekly_availability": [{"weekday": "thu", "start": "12:00", "end": "13:00"}],
                        },
                    }
                ]
            },
        )
        assert imported.json()["new"] == 1, imported.text
    person = await Person.open(browser, "student27", web)
    try:
        await person.sign_in(by_keyboard=False)
        await person.press_on(f"a[href='/programs/{program}/claim']")
        await person.check("claim")
        await person.press_on("main form button[type='submit']")
        assert "/participations/" in person.page.url, person.page.url
        await person.goto("/")
        assert await person.page.locator(f"a[href='/programs/{program}/claim']").count() == 0  # theirs now
    finally:
        await person.close()
