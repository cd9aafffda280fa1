"""Fixtures of the end-to-end tests: headless Debian Chromium driven by Playwright against pytest-django's
``live_server``, and a screenshot helper that writes under the test run's artifacts directory.

Playwright is never asked to download a browser: the tests use Debian's ``/usr/bin/chromium`` (``LAYAN_CHROMIUM``
names another binary). Without it they are skipped, unless ``LAYAN_REQUIRE_BROWSER=1`` (set by CI): then they fail.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("LAYAN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VIEWPORT = {"width": 390, "height": 844}
REPO = Path(__file__).resolve().parents[2]

# Lazy images below the fold would be blank in a full-page screenshot: load them all first (at most 5 s).
LOAD_IMAGES = """async () => {
  const images = [...document.images];
  images.forEach((img) => { img.loading = "eager"; });
  const loaded = Promise.all(images.map((img) => img.decode().catch(() => null)));
  await Promise.race([loaded, new Promise((resolve) => setTimeout(resolve, 5000))]);
}"""


def artifacts_dir() -> Path:
    return Path(os.environ.get("LAYAN_TEST_ARTIFACTS", str(REPO / "test-artifacts")))


def unavailable(reason: str):
    """Skip a browser test, or fail it when the run requires a browser (CI sets ``LAYAN_REQUIRE_BROWSER=1``)."""
    if os.environ.get("LAYAN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"LAYAN_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def browser(monkeypatch):
    """A headless Chromium for one test; each person in the test opens their own context from it."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    # Playwright's sync API keeps an asyncio loop on the test thread, so Django sees a "running loop" and refuses
    # the test's own ORM calls (assertions) with SynchronousOnlyOperation. The test thread runs no async code of its
    # own; this is Django's documented switch for this case. Set only while a browser test runs.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.db import connections

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
            # While Playwright's loop runs, Django keeps this thread's database connections in a context-local slot
            # apart from the ordinary thread-local one; close them here, or PostgreSQL refuses to drop the test
            # database at the end ("being accessed by other users").
            connections.close_all()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def new_context(request, browser, live_server):
    """``new_context()``: a fresh browser context (cookies, storage) for one person, on a phone-sized screen.
    When the test fails, every page still open is saved as ``failure-N.png`` next to the screenshots."""
    contexts = []

    def make():
        context = browser.new_context(
            base_url=live_server.url, viewport=VIEWPORT, locale="id-ID", timezone_id="Asia/Jakarta"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        from django.db import connection

        folder = artifacts_dir() / "e2e" / connection.vendor
        folder.mkdir(parents=True, exist_ok=True)
        pages = [page for context in contexts for page in context.pages]
        for number, page in enumerate(pages, start=1):
            try:
                page.screenshot(path=str(folder / f"failure-{number}.png"), full_page=True)
            except Exception as exc:  # a broken page must not hide the real error
                print(f"no failure screenshot of {page.url}: {exc}")
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """``screenshot(page, "name")``: a full-page PNG, ``NN-name.png`` in order, under
    ``$LAYAN_TEST_ARTIFACTS/e2e/<database vendor>/`` (old files of the same run directory are replaced)."""
    from django.db import connection

    folder = artifacts_dir() / "e2e" / connection.vendor
    folder.mkdir(parents=True, exist_ok=True)
    for old in [*folder.glob("[0-9][0-9]-*.png"), *folder.glob("failure-*.png")]:
        old.unlink(missing_ok=True)
    counter = iter(range(1, 100))

    def shoot(page, name: str) -> Path:
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        path = folder / f"{next(counter):02d}-{slug}.png"
        page.wait_for_load_state("load")
        page.evaluate(LOAD_IMAGES)
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot
