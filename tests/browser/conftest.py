"""Headless Chromium (Debian's package) driven by Playwright against a live test server.

Screenshots go to artifacts/screenshots/ (kept by CI as artefacts)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright runs its own event loop; Django must allow sync ORM calls beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(params=[(360, 740), (1280, 900)], ids=["phone", "desktop"])
def page(request, browser):
    width, height = request.param
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    page = context.new_page()
    page.viewport_name = request.node.callspec.id
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{page.viewport_name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
