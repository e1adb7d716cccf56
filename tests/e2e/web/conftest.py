"""The web app on the running platform (tests/e2e/conftest.py's), and one chromium for the module."""

import pytest
from playwright.async_api import async_playwright

from mesh_local.web import LocalWeb
from tests.e2e.web.browser import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="module")
def web(platform):
    config, _ = platform
    app = LocalWeb(config)
    app.stop()
    app.start(extra_env={"MESH_WEB_LOG_FORMAT": "json", "MESH_WEB_PSEUDO_LOCALE": "true"})
    try:
        app.wait_ready(timeout=90)
        yield config.web_url
    finally:
        app.stop()


@pytest.fixture(scope="module")
async def browser():
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        print(f"chromium {chromium.version}")
        yield chromium
        await chromium.close()
