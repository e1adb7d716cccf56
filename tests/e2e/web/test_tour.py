"""Every page a participant can reach, in English and in Spanish, at desktop and phone width, checked
like every page (browser.Person.check: axe WCAG A/AA, no token, no CSP refusal, one h1, reflow at 320
CSS px) with a screenshot of each. The tour follows the links pages offer (GET only: no form is sent),
from the home page of a student the demo journey paired, so it meets pages as people find them."""

import re
from urllib.parse import urlsplit

import pytest

from mesh_local.journey import run_journey
from tests.e2e.web.browser import PSEUDO, Person

IDS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9]+")
SKIP = ("/auth/", "/assets/", "/theme/", "/language")
MOST_PAGES = 40


@pytest.fixture(scope="module")
async def journey(platform, web):
    config, _ = platform
    return await run_journey(config, cohort_size=8, pairs_to_accept=2)


def _kind(path: str) -> str:
    """A page's kind: its path with ids taken out (one visit per kind of page is enough)."""
    return IDS.sub("{id}", path.split("?")[0])


@pytest.mark.parametrize("language", ["en", "es", PSEUDO])
async def test_every_page_a_paired_student_can_reach_passes_the_checks_in_both_languages(web, browser, journey, language) -> None:
    person = await Person.open(browser, "student01", web, language=language)
    try:
        await person.sign_in(by_keyboard=False)
        if language == "es":
            assert await person.page.locator("html[lang='es']").count() == 1, "Accept-Language es-ES chose Spanish"
        if language == PSEUDO:
            assert "⟦" in await person.page.locator("h1").inner_text(), "the pseudo-locale is served"
        queue, seen_kinds = ["/"], set()
        while queue and len(seen_kinds) < MOST_PAGES:
            path = queue.pop(0)
            kind = _kind(path)
            if kind in seen_kinds:
                continue
            seen_kinds.add(kind)
            await person.goto(path)
            name = kind.strip("/").replace("/", "-").replace("{id}", "id") or "home"
            if language == PSEUDO:  # no screenshots: the point is text no catalogue produced
                assert await person.untranslated() == [], f"{name}: untranslated text under the pseudo-locale"
            else:
                await person.check(name)
            for href in await person.page.locator("main a[href], nav a[href], footer a[href]").evaluate_all(
                "links => links.map(link => link.getAttribute('href'))"
            ):
                target = urlsplit(href)
                if target.netloc or not target.path.startswith("/") or target.path.startswith(SKIP):
                    continue
                if _kind(target.path) not in seen_kinds:
                    queue.append(target.path + (f"?{target.query}" if target.query else ""))
        assert {"home", "inbox", "settings", "accessibility"} <= {kind.strip("/") or "home" for kind in seen_kinds}, seen_kinds
        assert any(kind.startswith("/pairs/") for kind in seen_kinds), f"the pair's page was never reached: {seen_kinds}"
        print(f"{language}: {len(seen_kinds)} kinds of page checked: {sorted(seen_kinds)}")
    finally:
        await person.close()
