"""A person in Debian's chromium, driven by Playwright: signs in through the IdP's own page, moves by
keyboard where a test says so, and has every page it sees checked.

``check(name)`` on a page: axe-core (pinned by clients/web/package-lock.json, injected into the page)
must report no violation of the WCAG 2.0/2.1/2.2 A and AA rules; no token may be in the page, its
scripts or the browser's storage; the CSP must have refused nothing (a refusal means something
inline slipped in); the page must reflow at 320 CSS pixels (no sideways scrolling); and a screenshot
is written, at phone and desktop width, named after the page and the language."""

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Locator, Page

REPO = Path(__file__).resolve().parents[3]
AXE = REPO / "clients" / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("MESH_TEST_OUTPUT_DIR", REPO / ".mesh" / "test-output")) / "web-screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 320, "height": 720}  # WCAG 1.4.10: content reflows at 320 CSS pixels
PSEUDO = "en-XA"  # the pseudo-locale (MESH_WEB_PSEUDO_LOCALE in the tests' app)
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")


@dataclass
class Person:
    username: str
    context: BrowserContext
    page: Page
    base_url: str
    language: str = "en"
    console_errors: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)

    @staticmethod
    async def open(browser: Browser, username: str, base_url: str, language: str = "en") -> "Person":
        context = await browser.new_context(
            viewport=DESKTOP, locale="es-ES" if language == "es" else "en-US", java_script_enabled=True
        )
        if language == PSEUDO:
            await context.add_cookies([{"name": "mesh_language", "value": PSEUDO, "url": base_url}])
        page = await context.new_page()
        person = Person(username, context, page, base_url, language)
        page.on("console", person._console)
        return person

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    async def goto(self, path: str) -> None:
        answer = await self.page.goto(self.base_url + path)
        assert answer is not None and answer.status < 400, (path, answer and answer.status)

    async def tab_to(self, selector: "str | Locator", limit: int = 400) -> None:
        """Press Tab until an element matching ``selector`` has focus: proves it is reachable by keyboard."""
        target = (self.page.locator(selector) if isinstance(selector, str) else selector).first
        await target.wait_for(state="attached")
        for _ in range(limit):
            if isinstance(selector, str):
                if await self.page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
                    return
            elif await target.evaluate("element => element === document.activeElement"):
                return
            await self.page.keyboard.press("Tab")
        raise AssertionError(f"{selector} not reachable by Tab within {limit} presses on {self.page.url}")

    async def choose(self, name: str, value: str) -> None:
        """A radio button, by keyboard: Tab into its group, then the arrow keys (as radio groups work)."""
        await self.tab_to(f"input[type='radio'][name='{name}']")
        target = self.page.locator(f"input[type='radio'][name='{name}'][value='{value}']")
        for _ in range(await self.page.locator(f"input[type='radio'][name='{name}']").count() + 1):
            if await target.is_checked():
                return
            await self.page.keyboard.press(
                "ArrowDown" if await self.page.evaluate("() => document.activeElement.checked") else "Space"
            )
        assert await target.is_checked(), f"could not choose {name}={value} by keyboard"

    async def tick(self, selector: "str | Locator", on: bool = True) -> None:
        """A checkbox, ticked (or not), by keyboard (Space)."""
        await self.tab_to(selector)
        if await self.page.evaluate("() => document.activeElement.checked") != on:
            await self.page.keyboard.press("Space")

    async def mark(self, selector: str) -> None:
        """A checkbox or radio ticked as a pointer would (USWDS draws its own box over the real input)."""
        await self.page.locator(selector).first.evaluate("box => { if (!box.checked) box.click() }")

    async def type_into(self, selector: "str | Locator", text: str) -> None:
        await self.tab_to(selector)
        await self.page.keyboard.press("Control+A")
        await self.page.keyboard.type(text)

    async def press_on(self, selector: "str | Locator", key: str = "Enter", navigates: bool = True) -> None:
        """Keyboard activation; waits for the navigation a form post or link starts (unless htmx
        enhances it: then for the swap to settle)."""
        await self.tab_to(selector)
        if not navigates:
            async with self.page.expect_event("requestfinished"):
                await self.page.keyboard.press(key)
            await self.page.wait_for_timeout(300)  # htmx swaps, then settles (20 ms), then mesh.js moves focus
            return
        async with self.page.expect_navigation():
            await self.page.keyboard.press(key)

    async def sign_in(self, password: str = "mesh-demo", by_keyboard: bool = True) -> None:
        """From the home page, through the IdP's own sign-in page, and back."""
        await self.goto("/")
        if by_keyboard:
            await self.press_on("a[href='/auth/login']")
            assert "/protocol/openid-connect/auth" in self.page.url, self.page.url
            await self.type_into("#username", self.username)
            await self.type_into("#password", password)
            await self.press_on("#kc-login")
        else:
            await self.page.click("a[href='/auth/login']")
            await self.page.wait_for_selector("#username")
            if self.language == "es":  # the IdP's page follows the app's language (ui_locales)
                assert await self.page.locator("html[lang='es']").count() == 1, "Keycloak's page is not in Spanish"
            await self.page.fill("#username", self.username)
            await self.page.fill("#password", password)
            async with self.page.expect_navigation():
                await self.page.click("#kc-login")
        assert self.page.url.startswith(self.base_url), self.page.url

    async def check(self, name: str, *, screenshot: bool = True) -> None:
        """Everything every page must be; see the module's docstring."""
        page = self.page
        await page.wait_for_load_state("load")
        violations = await axe(page)
        assert not violations, f"{name}: axe found {json.dumps(violations, indent=1)[:4000]}"
        html = await page.content()
        storage = await page.evaluate(
            "() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])"
        )
        for where, text in (("page", html), ("storage", storage)):
            assert not JWT.search(text), f"{name}: a token is visible to the browser in the {where}"
        refused = [error for error in self.console_errors if "Content Security Policy" in error]
        assert not refused, f"{name}: the CSP refused {refused}"
        assert await page.locator("h1").count() == 1, f"{name}: a page has exactly one h1"
        self.seen.append(name)
        if screenshot:
            await self.screenshot(name, "desktop")
        await page.set_viewport_size(PHONE)
        wide = await page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert wide <= 1, f"{name}: at 320 CSS px the page scrolls sideways by {wide}px (WCAG 1.4.10)"
        if screenshot:
            await self.screenshot(name, "phone")
        await page.set_viewport_size(DESKTOP)

    async def screenshot(self, name: str, width: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.{self.language}.{width}.png"
        await self.page.screenshot(path=str(path), full_page=True)
        return path

    async def untranslated(self) -> list[str]:
        """Text on the page that no catalogue string produced, under the pseudo-locale: every catalogued
        string comes marked ⟦…⟧, so plain text outside people's own words (translate="no", what a field holds), dates and
        times (<time>) and what the CLDR names (data-cldr: languages, zones, weekdays) is hard-coded."""
        return await self.page.evaluate("""() => {
            const found = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const node = walker.currentNode, text = node.textContent.trim();
                // a marked string that a tag splits (<span> inside it): its element holds the mark
                if (!/[A-Za-z]{2,}/.test(text) || node.parentElement.textContent.includes('⟦')) continue;
                if (node.parentElement.closest('[translate="no"], time, script, style, textarea, [data-cldr], [hidden]')) continue;
                found.push(text.slice(0, 80));
            }
            return found;
        }""")

    async def focused_is_error_summary(self) -> bool:
        return await self.page.evaluate("() => document.activeElement?.hasAttribute('data-error-summary') ?? false")

    async def close(self) -> None:
        await self.context.close()


async def axe(page: Page) -> list[dict]:
    """axe-core's violations of the WCAG A and AA rules on the page as it is now."""
    if not await page.evaluate("() => typeof window.axe === 'object'"):
        await page.evaluate(AXE.read_text())  # through the DevTools protocol: the page's CSP stays as it is
    result = await page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [node["target"] for node in v["nodes"]][:5]}
        for v in result["violations"]
    ]
