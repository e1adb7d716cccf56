"""A coordinator runs a term's matching from the console, by keyboard alone, in a real browser: finds
people in the participants list, relaxes the policy after seeing a round under it side by side with
the current one, previews a round, watches it finish and publishes it, proposes a pair by hand, and
reads what needs attention. An admin reads the audit trail of all of it, the erasure requests and the
institution's health; another institution's admin finds none of it. Every page is checked (axe, one
h1, no token, reflow at 320 px) and photographed in English and Spanish."""

import asyncio
import time
import uuid

import httpx
import pytest

from mesh_local.keycloak import user_token
from tests.e2e.web.browser import Person
from tests.support.programs import roster_row

ADMIN, COORDINATOR, OTHER_ADMIN = "nadia", "cole", "rita"  # cole coordinates campus north


def _api(config, service: str, method: str, path: str, who: str = ADMIN, **kwargs) -> httpx.Response:
    return httpx.request(
        method,
        f"{config.service_url(service)}{path}",
        timeout=30,
        headers={"authorization": f"Bearer {user_token(config, who)}"},
        **kwargs,
    )


@pytest.fixture(scope="module")
def term(platform, web) -> dict:
    """A program on campus north: three mentors who speak German and five mentees who speak English, so
    the policy's shared-language rule leaves all of them waiting. The mentors have five places; one
    mentee is free only when no mentor is, so a round leaves that mentee and a place over."""
    config, _ = platform
    program_id = f"term-{uuid.uuid4().hex[:6]}"
    created = _api(
        config,
        "profile",
        "POST",
        "/programs",
        json={
            "program_id": program_id,
            "name": "Statistics mentoring",
            "setting": "academic",
            "campuses": ["north"],
            "matching_mode": "mentor_mentee",
            "matchmaking": "coordinator_rounds",
            "topics": ["Statistics"],
        },
    )
    assert created.status_code == 201, created.text
    rows = [
        roster_row(
            index + 1,
            f"{program_id}-mentor-{index}",
            campus="north",
            display_name=f"Mentor {index}",
            languages=["de"],
            topics=[{"topic": "Statistics", "role": "mentor"}],
            mentor_capacity=3 if index == 0 else 1,
        )
        for index in range(3)
    ]
    rows += [
        roster_row(
            index + 4,
            f"{program_id}-mentee-{index}",
            campus="north",
            display_name=f"Mentee {index}",
            languages=["en"],
            topics=[{"topic": "Statistics", "role": "mentee"}],
            weekly_availability=[{"weekday": "sun", "start": "08:00", "end": "09:00"}]
            if index == 4
            else [{"weekday": "mon", "start": "17:00", "end": "19:00"}],
        )
        for index in range(5)
    ]
    imported = _api(config, "profile", "POST", f"/programs/{program_id}/roster", json={"rows": rows})
    assert imported.status_code == 200 and imported.json()["new"] == 8, imported.text
    for _ in range(180):  # through Kafka; a matching just restarted rejoins its group first
        listed = _api(config, "matching", "GET", f"/programs/{program_id}/participants", COORDINATOR)
        if listed.status_code == 200 and len(listed.json()["participants"]) == 8:
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"matching never listed the eight: {listed.text}")
    return {
        "program_id": program_id,
        "people": {item["display_name"]: item["participant_id"] for item in listed.json()["participants"]},
    }


async def _until_ready(person: Person, running: str = "progress.mesh-progress", tries: int = 120) -> None:
    """Reload until nothing on the page is running (without JavaScript the page offers a link to do so)."""
    for _ in range(tries):
        if not await person.page.locator(running).count():
            return
        await person.page.wait_for_timeout(500)
        await person.page.reload()
    raise AssertionError(f"still running on {person.page.url}")


async def test_a_coordinator_runs_a_term_by_keyboard(platform, web, browser, term) -> None:
    config, _ = platform
    program = term["program_id"]
    cole = await Person.open(browser, COORDINATOR, web)
    try:
        await cole.sign_in(by_keyboard=True)
        await cole.goto(f"/console/programs/{program}")
        await cole.press_on(f"a[href='/console/programs/{program}/participants']")
        await cole.check("console-participants")
        assert await cole.page.locator("main table tbody tr").count() == 8
        await cole.type_into("#q", "mentor 1")
        await cole.press_on("form[role='search'] button[type='submit']")
        names = await cole.page.locator("main table tbody th").all_inner_texts()
        assert names == ["Mentor 1"], names
        await cole.check("console-participants-search")
        # The policy: a round under the current one pairs nobody (no shared language); without the rule it does
        await cole.goto(f"/console/programs/{program}/matching")
        await cole.check("console-matching")
        await cole.press_on(f"a[href='/console/programs/{program}/matching/policy']")
        await cole.check("console-policy")
        await cole.tick("input[name='rules'][value='shared_language_required']", on=False)
        await cole.press_on("button[name='_action'][value='preview']")
        await _until_ready(cole)
        await cole.check("console-policy-compare")
        figures = await cole.page.evaluate("""() => [...document.querySelectorAll('.mesh-side-by-side section')].map(
            section => section.querySelectorAll('.mesh-key-figures dd')[1].innerText)""")
        assert int(figures[0]) >= 3 and int(figures[1]) == 0, figures  # pairs: with the change, and without
        await cole.press_on("form.mesh-actions button[type='submit']")
        assert "/matching" in cole.page.url
        policy = (await asyncio.to_thread(_api, config, "matching", "GET", f"/programs/{program}/policy", COORDINATOR)).json()
        assert policy["policy"]["shared_language_required"] is False
        # A round: previewed, watched, published
        await cole.press_on(f"form[action='/console/programs/{program}/matching/previews'] button")
        await _until_ready(cole)
        await cole.check("console-round-preview")
        await cole.press_on("form#publish button")
        await cole.check("console-round-published")
        listed = (
            await asyncio.to_thread(
                _api, config, "matching", "GET", f"/programs/{program}/participants", COORDINATOR, params={"state": "proposed"}
            )
        ).json()["participants"]
        assert len(listed) >= 6, listed
        await cole.goto(f"/console/programs/{program}/attention")
        await cole.check("console-attention")
        waiting = await cole.page.locator("#waiting-heading + ul li a[translate='no']").all_inner_texts()
        assert "Mentee 4" in waiting, waiting
        # By hand: a mentor with room left and the mentee left over (never free when the mentors are)
        records = [
            (
                await asyncio.to_thread(
                    _api, config, "matching", "GET", f"/programs/{program}/participants/{term['people'][name]}", COORDINATOR
                )
            ).json()
            for name in ("Mentor 0", "Mentor 1", "Mentor 2")
        ]
        mentor = next(record["participant_id"] for record in records if record["used"] < record["capacity"])
        await cole.goto(f"/console/programs/{program}/participants/{mentor}")
        await cole.check("console-participant")
        await cole.press_on(f"a[href='/console/programs/{program}/pair-by-hand?first={mentor}']")
        await cole.check("console-pair-by-hand-choose")
        await cole.type_into("#q", "mentee 4")
        await cole.press_on("form[role='search'] button[type='submit']")
        await cole.press_on(f"a[href*='second={term['people']['Mentee 4']}']")
        await cole.check("console-pair-by-hand-score")
        assert await cole.page.locator("#score-heading").count() == 1
        warnings = await cole.page.locator(".usa-alert--warning li").all_inner_texts()
        assert any("never free at the same time" in text or "too few hours" in text for text in warnings), warnings
        await cole.type_into("#note", "You both like R.")
        await cole.press_on("main form button[type='submit']")
        await cole.check("console-pair-by-hand-done")
        mine = (await asyncio.to_thread(_api, config, "matching", "GET", f"/participants/{mentor}/matches", ADMIN)).json()
        assert any(match.get("arranged") for match in mine), mine
        await cole.goto(f"/console/programs/{program}/attention")
        await cole.check("console-attention-after")
        await cole.goto("/console/digest")
        await cole.check("console-digest")
        await cole.press_on("main form button[name='_action'][value='set']")
        await cole.check("console-digest-set")
        assert await cole.page.locator("main dl.mesh-facts").count() == 1, "the digest asked for is shown"
        await cole.goto(f"/console/programs/{program}/pairs/{mine[0]['match_id']}/end?participant={mentor}")
        await cole.check("console-pair-end")
    finally:
        await cole.close()


async def test_the_same_pages_in_spanish(platform, web, browser, term) -> None:
    program, mentor = term["program_id"], term["people"]["Mentor 1"]
    cole = await Person.open(browser, COORDINATOR, web, language="es")
    nadia = await Person.open(browser, ADMIN, web, language="es")
    try:
        await cole.sign_in(by_keyboard=False)
        for name, path in (
            ("console-participants", "participants"),
            ("console-matching", "matching"),
            ("console-policy", "matching/policy"),
            ("console-attention", "attention"),
            ("console-participant", f"participants/{mentor}"),
            ("console-pair-by-hand-choose", f"pair-by-hand?first={mentor}"),
        ):
            await cole.goto(f"/console/programs/{program}/{path}")
            await cole.check(name)
        await cole.goto(f"/console/programs/{program}/matching")
        await cole.page.locator(f"a[href^='/console/programs/{program}/matching/previews/']").first.click()
        await _until_ready(cole)
        await cole.check("console-round-preview")
        await cole.goto(f"/console/programs/{program}/matching/policy")
        await cole.page.locator("button[name='_action'][value='preview']").click()
        await _until_ready(cole)
        await cole.check("console-policy-compare")
        await cole.goto("/console/digest")
        await cole.check("console-digest")
        [match] = [
            item
            for item in (
                await asyncio.to_thread(
                    _api,
                    platform[0],
                    "matching",
                    "GET",
                    f"/programs/{program}/participants/{term['people']['Mentee 0']}",
                    COORDINATOR,
                )
            ).json()["matches"]
            if item["state"] == "proposed"
        ][:1]
        await cole.goto(f"/console/programs/{program}/pairs/{match['match_id']}/end?participant={term['people']['Mentee 0']}")
        await cole.check("console-pair-end")
        await cole.page.locator("main form button[type='submit']").click()
        assert await cole.page.locator("#message-error").count() == 1, "a coordinator says why a pair ends"
        await cole.check("console-pair-end-errors")
        await nadia.sign_in(by_keyboard=False)
        for name, path in (
            ("console-audit", "/console/audit"),
            ("console-erasures", "/console/erasures"),
            ("console-institution", "/console/institution"),
        ):
            await nadia.goto(path)
            await nadia.check(name)
    finally:
        await cole.close()
        await nadia.close()


async def test_an_admin_reads_the_audit_trail_erasures_and_the_institution(platform, web, browser, term) -> None:
    nadia = await Person.open(browser, ADMIN, web)
    rita = await Person.open(browser, OTHER_ADMIN, web)
    try:
        await nadia.sign_in(by_keyboard=True)
        await nadia.goto("/console")
        await nadia.press_on("a[href='/console/audit']")
        await nadia.check("console-audit")
        await nadia.type_into("#resource", f"program/{term['program_id']}")
        await nadia.press_on("form[role='search'] button[type='submit']")
        actions = await nadia.page.locator("main table tbody td code").all_inner_texts()
        assert "roster.import" in actions and "policy.set" in actions, actions
        await nadia.check("console-audit-filtered")
        await nadia.goto("/console/erasures")
        await nadia.check("console-erasures")
        await nadia.goto("/console/institution")
        await nadia.check("console-institution")
        assert await nadia.page.locator(f"a[href='/console/programs/{term['program_id']}/health']").count() == 1
        await rita.sign_in(by_keyboard=False)
        for path in (f"/console/programs/{term['program_id']}/participants", f"/console/programs/{term['program_id']}/matching"):
            answer = await rita.page.goto(web + path)
            assert answer is not None and answer.status == 404, path
        await rita.goto(f"/console/audit?resource=program/{term['program_id']}")
        assert await rita.page.locator("main table tbody tr").count() == 0
    finally:
        await nadia.close()
        await rita.close()
