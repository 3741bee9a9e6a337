"""Browser tests: the real app on a loopback port over the demo data, driven in headless
Debian chromium through Playwright.

The server runs in a thread of the test process over its own SQLite file, built from the
migrations and loaded by the demo loader. It uses the deterministic "fake" embedder and the
in-memory vector index: the real default embedder needs minutes to embed the demo's ~2,700
chunks on two cores, and what these tests check (pages, the API calls behind them, the
journeys' data) does not depend on embedding quality; the BM25 half of the hybrid search
still finds the cited articles. Quality with the real model is tested in tests/assist.
KCRM_WEB_TEST_EMBEDDER=bilingual runs them with the default embedder instead (slow; for
screenshots that show real drafts).
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from kcrm.api.app import create_app
from kcrm.config import Environment, Settings
from kcrm.core.migrate import upgrade
from kcrm.demo import load_demo
from kcrm.knowledge import sync
from kcrm.knowledge.engine import build_engine
from tests.conftest import TEST_SECRET

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}

DEMO_USERS = {
    "admin": ("admin@hearth-demo.com", "demo-admin-2026"),
    "agent": ("agent@hearth-demo.com", "demo-agent-2026"),
    "agent_en": ("james.wilson@hearth-demo.com", "demo-agent-en-2026"),
    "km": ("km@hearth-demo.com", "demo-km-2026"),
    "wang": ("wang.xiaoming@example.com", "demo-wang-2026"),
    "emily": ("emily.carter@example.com", "demo-emily-2026"),
}


@dataclass(frozen=True)
class LiveServer:
    url: str
    settings: Settings


def _serve(settings: Settings) -> Iterator[str]:
    engine = build_engine(settings)
    load_demo(settings, engine=engine)
    app = create_app(settings, knowledge=engine)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        sync.unbind()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app over a freshly migrated SQLite demo database, on a free loopback port."""
    data = tmp_path_factory.mktemp("web") / "var"
    data.mkdir()
    settings = Settings(
        env=Environment.test,
        data_dir=data,
        database_url=f"sqlite:///{data / 'kcrm.db'}",
        secret_key=TEST_SECRET,
        corpus_dir=ROOT / "corpus",
        dictionary_path=ROOT / "corpus" / "dictionary.txt",
        assist_playbooks_path=ROOT / "corpus" / "playbooks.yaml",
        embedder=os.environ.get("KCRM_WEB_TEST_EMBEDDER", "fake"),
        vector_index="memory",
    )
    upgrade(settings.db_url)
    for url in _serve(settings):
        yield LiveServer(url, settings)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Playwright's bundled driver (it downloads nothing)."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's headless chromium (`make browser` installs it)."""
    if not CHROMIUM.exists():
        pytest.fail("/usr/bin/chromium is missing: run `make browser` (apt-get install chromium)")
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _page(browser: Browser, live_server: LiveServer, viewport: dict[str, int]) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport=viewport)  # type: ignore[arg-type]
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    elsewhere: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # The console loads nothing from other hosts (no CDN): every request stays on the server.
    context.on(
        "request",
        lambda r: None if r.url.startswith((live_server.url, "data:")) else elsewhere.append(r.url),
    )
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not elsewhere, f"requests to other hosts: {elsewhere}"


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser context at 1280×800 (no cookies shared between tests)."""
    yield from _page(browser, live_server, DESKTOP)


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser context at phone width, 375 px."""
    yield from _page(browser, live_server, PHONE)


def login(page: Page, user: str, *, lang: str | None = None) -> None:
    """Log in through the login form as one of the demo users."""
    email, password = DEMO_USERS[user]
    page.goto("/login" + (f"?lang={lang}" if lang else ""))
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/(agent|km|admin|chat)\b.*"))


def assert_fits_width(page: Page) -> None:
    """The page needs no horizontal scrolling at its viewport's width."""
    viewport = page.viewport_size
    assert viewport is not None
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{width} px wide at a {viewport['width']} px viewport"


def shot(page: Page, name: str) -> Path:
    """Save a screenshot of the whole page as docs/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
