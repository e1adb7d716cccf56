"""A program's health in the console, in a real browser: the figures on the page, in its tables and in
each CSV are matching's (``GET /programs/{id}/health``) exactly; a coordinator of one campus sees that
campus only, an admin every campus and all together; another institution's admin sees nothing."""

import asyncio
import csv
import io
import time
import uuid

import httpx
import pytest

from mesh_local.keycloak import user_token
from tests.e2e.web.browser import Person
from tests.support.programs import roster_row

ADMIN, NORTH_COORDINATOR, OTHER_ADMIN = "nadia", "cole", "rita"


def _api(config, service: str, method: str, path: str, who: str, **kwargs) -> httpx.Response:
    return httpx.request(
        method,
        f"{config.service_url(service)}{path}",
        timeout=30,
        headers={"authorization": f"Bearer {user_token(config, who)}"},
        **kwargs,
    )


@pytest.fixture(scope="module")
def populated(platform, web) -> str:
    """A program on two campuses with four mentors and four mentees from its roster, proposed to each other
    as they join."""
    config, _ = platform
    program_id = f"health-{uuid.uuid4().hex[:6]}"
    created = _api(
        config,
        "profile",
        "POST",
        "/programs",
        ADMIN,
        json={
            "program_id": program_id,
            "name": "Chemistry peer mentors",
            "setting": "academic",
            "campuses": ["north", "south"],
            "matching_mode": "mentor_mentee",
            "matchmaking": "coordinator_rounds",
            "topics": ["Organic chemistry"],
        },
    )
    assert created.status_code == 201, created.text
    rows = []
    for index in range(8):
        role = "mentor" if index % 2 == 0 else "mentee"
        rows.append(
            roster_row(
                index + 1,
                f"chem-{program_id}-{index}",
                campus=("north", "south")[index // 4],
                display_name=f"Chemist {index}",
                topics=[{"topic": "Organic chemistry", "role": role}],
                mentor_capacity=1 if role == "mentor" else 0,
            )
        )
    imported = _api(config, "profile", "POST", f"/programs/{program_id}/roster", ADMIN, json={"rows": rows})
    assert imported.status_code == 200 and imported.json()["new"] == 8, imported.text
    for _ in range(180):  # matching learns of the joins through Kafka (after a restart, its group rejoins first)
        health = _api(config, "matching", "GET", f"/programs/{program_id}/health", ADMIN).json()
        if (health.get("all_campuses") or {}).get("joined") == 8 and health["all_campuses"]["proposed"] >= 2:
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"matching never counted the eight joins and their proposals: {health}")
    return program_id


async def _figures_on_page(person: Person, table: str) -> list[list[str]]:
    """The rows of the table captioned ``<table>-caption``: each row's header and cells, as shown."""
    return await person.page.evaluate(
        """name => {
        const caption = document.querySelector(`#${name}-caption`);
        if (!caption) return [];
        return [...caption.closest('table').querySelectorAll('tbody tr')]
            .map(row => [...row.querySelectorAll('th, td')].map(cell => cell.innerText.trim()));
    }""",
        table,
    )


async def test_health_figures_are_the_apis_on_the_page_and_in_each_csv(platform, web, browser, populated) -> None:
    config, _ = platform
    expected = (await asyncio.to_thread(_api, config, "matching", "GET", f"/programs/{populated}/health", ADMIN)).json()
    admin = await Person.open(browser, ADMIN, web)
    spanish = await Person.open(browser, ADMIN, web, language="es")
    try:
        await admin.sign_in(by_keyboard=True)
        await admin.goto(f"/console/programs/{populated}")
        await admin.press_on(f"a[href='/console/programs/{populated}/health']")
        await admin.check("console-health")
        everyone = expected["all_campuses"]
        funnel = await _figures_on_page(admin, "funnel")
        assert [int(row[1]) for row in funnel] == [
            everyone["funnel"][stage] for stage in ("joined", "proposed", "matched", "active")
        ]
        campuses = await _figures_on_page(admin, "campuses")
        assert [(row[0], int(row[1])) for row in campuses] == [
            (item["campus"], item["active_pairs"]) for item in expected["campuses"]
        ]
        for chart in ("funnel", "weeks", "ended", "campuses"):
            link = admin.page.locator(f"a[href^='/console/programs/{populated}/health/{chart}.csv']")
            async with admin.page.expect_download() as started:
                await link.click()
            download = await started.value
            rows = list(csv.reader(io.StringIO((await download.path()).read_text())))
            on_page = await _figures_on_page(admin, chart)
            assert len(rows) - 1 == len([row for row in on_page if len(row) > 1]), (chart, rows, on_page)
            if chart == "funnel":
                assert [int(row[1]) for row in rows[1:]] == [int(row[1]) for row in funnel]
        # one campus
        await admin.press_on("a[href='?campus=north']")
        await admin.check("console-health-campus")
        north = next(item for item in expected["campuses"] if item["campus"] == "north")
        assert [int(row[1]) for row in await _figures_on_page(admin, "funnel")][0] == north["funnel"]["joined"]
        await spanish.sign_in(by_keyboard=False)
        await spanish.goto(f"/console/programs/{populated}/health")
        await spanish.check("console-health")
    finally:
        await admin.close()
        await spanish.close()


async def test_a_coordinator_of_one_campus_sees_it_alone_and_another_institution_nothing(
    platform, web, browser, populated
) -> None:
    coordinator = await Person.open(browser, NORTH_COORDINATOR, web)
    other = await Person.open(browser, OTHER_ADMIN, web)
    try:
        await coordinator.sign_in(by_keyboard=False)
        await coordinator.goto(f"/console/programs/{populated}/health")
        assert await coordinator.page.locator("a[href='?campus=south']").count() == 0
        assert await coordinator.page.locator("a[href='?campus=']").count() == 0, "no 'all campuses' for one campus"
        await other.sign_in(by_keyboard=False)
        for path in (
            f"/console/programs/{populated}",
            f"/console/programs/{populated}/health",
            f"/console/programs/{populated}/health/funnel.csv",
        ):
            answer = await other.page.goto(web + path)
            assert answer is not None and answer.status == 404, path
    finally:
        await coordinator.close()
        await other.close()
