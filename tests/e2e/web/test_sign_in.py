"""Signing in and out of the web app through the real Keycloak, in a real browser: the session's id
changes at sign-in, no token ever reaches the browser, a cross-site form post is refused, signing out
here signs out at the IdP, and signing out at the IdP ends the app's session (back-channel logout)."""

from tests.e2e.web.browser import JWT, Person

COOKIE = "__Host-mesh_session"
EVIL = "http://evil.example.test"


async def _session_id(person: Person) -> str | None:
    return next((cookie["value"] for cookie in await person.context.cookies() if cookie["name"] == COOKIE), None)


async def test_a_new_session_id_is_issued_at_sign_in_and_no_token_ever_reaches_the_browser(web, browser) -> None:
    person = await Person.open(browser, "student21", web)
    try:
        await person.goto("/")
        await person.page.evaluate(f"document.cookie = '{COOKIE}=planted-by-an-attacker-0123456789abcdef; Secure; Path=/'")
        assert await _session_id(person) == "planted-by-an-attacker-0123456789abcdef"
        await person.check("welcome")
        await person.page.click("a[href='/auth/login']")  # begins a session holding the sign-in's state
        before = await _session_id(person)
        assert before and before != "planted-by-an-attacker-0123456789abcdef"
        await person.page.fill("#username", person.username)
        await person.page.fill("#password", "mesh-demo")
        async with person.page.expect_navigation():
            await person.page.click("#kc-login")
        after = await _session_id(person)
        assert after and after not in (before, "planted-by-an-attacker-0123456789abcdef")
        cookie = next(cookie for cookie in await person.context.cookies() if cookie["name"] == COOKIE)
        assert cookie["httpOnly"] and cookie["secure"] and cookie["path"] == "/" and cookie["sameSite"] == "Lax"
        await person.check("home-signed-in")
        assert person.page.url.rstrip("/") == web
        for script in await person.page.locator("script[src]").evaluate_all("s => s.map(e => e.src)"):
            body = await (await person.page.request.get(script)).text()
            assert not JWT.search(body)
        # The planted id opens nothing: a browser with only it is a stranger.
        stranger = await Person.open(browser, "nobody", web)
        await stranger.goto("/")
        await stranger.page.evaluate(f"document.cookie = '{COOKIE}={before}; Secure; Path=/'")
        await stranger.goto("/")
        assert await stranger.page.locator("a[href='/auth/login']").count() == 1
        await stranger.close()
    finally:
        await person.close()


async def test_a_cross_site_form_post_is_refused_and_the_session_survives_it(web, browser) -> None:
    person = await Person.open(browser, "student22", web)
    try:
        await person.sign_in(by_keyboard=False)
        attack = (
            f"<!doctype html><title>win a prize</title><form method=post action='{web}/auth/logout'><button>claim</button></form>"
        )
        await person.context.route(f"{EVIL}/**", lambda route: route.fulfill(body=attack, content_type="text/html"))
        await person.page.goto(f"{EVIL}/prize")
        async with person.page.expect_navigation():
            await person.page.click("button")
        assert "Cross-site request refused" in await person.page.content()
        await person.goto("/")
        assert await person.page.locator("form[action='/auth/logout']").count() == 1  # still signed in
    finally:
        await person.close()


async def test_signing_out_here_signs_out_at_the_idp_too(web, browser) -> None:
    person = await Person.open(browser, "student23", web)
    try:
        await person.sign_in(by_keyboard=True)
        await person.press_on("form[action='/auth/logout'] button")
        assert person.page.url.rstrip("/") == web, person.page.url  # back home, via the IdP's end-session
        assert await _session_id(person) is None or await person.page.locator("a[href='/auth/login']").count() == 1
        await person.page.click("a[href='/auth/login']")
        assert await person.page.locator("#username").count() == 1  # the IdP asks again: its session ended too
    finally:
        await person.close()


async def test_signing_out_at_the_idp_ends_the_apps_session(web, platform, browser) -> None:
    config, _ = platform
    person = await Person.open(browser, "student24", web)
    try:
        await person.sign_in(by_keyboard=False)
        await person.page.goto(f"{config.oidc_issuer}/protocol/openid-connect/logout")  # the IdP's own sign-out
        async with person.page.expect_navigation():
            await person.page.click("#kc-logout")
        await person.goto("/")  # Keycloak called /auth/backchannel-logout before answering
        assert await person.page.locator("a[href='/auth/login']").count() == 1
        assert await person.page.locator("form[action='/auth/logout']").count() == 0
    finally:
        await person.close()


async def test_a_language_chosen_while_signed_in_is_kept_for_the_next_session(web, browser) -> None:
    person = await Person.open(browser, "student25", web, language="en")
    try:
        await person.sign_in(by_keyboard=False)
        if await person.page.locator("html[lang='es']").count():  # a preference saved before: back to English first
            async with person.page.expect_navigation():
                await person.page.click("form[action='/language'] button[value='en']")
        assert await person.page.locator("html[lang='en']").count() == 1
        async with person.page.expect_navigation():
            await person.page.click("form[action='/language'] button[value='es']")
        assert await person.page.locator("html[lang='es']").count() == 1
    finally:
        await person.close()
    again = await Person.open(browser, "student25", web, language="en")  # a new browser, asking for English
    try:
        await again.sign_in(by_keyboard=False)
        assert await again.page.locator("html[lang='es']").count() == 1, "the saved preference wins over Accept-Language"
    finally:
        await again.close()
