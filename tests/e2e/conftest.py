"""Browser journeys in real headless Chromium (Debian's `chromium`), driven by Playwright's
Python API against pytest-django's live server, with axe-core checking every page visited."""

import os
import shutil
from urllib.parse import urljoin

import pytest

# Playwright's sync API runs an event loop in this thread; the tests still touch the database
# directly (to set up users and check results), which Django otherwise refuses in that case.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Flags that keep Chromium from reaching for the network this machine does not have.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15000)
    tab = context.new_page()
    yield tab
    context.close()


def follow(page, link):
    """Click a link and wait until the page it leads to has loaded.

    A click only waits for the navigation to start, so reading the page straight after it can
    read the old page or an empty new one; waiting for the link's own address makes the next
    check see the page the user would."""
    target = urljoin(page.url, link.get_attribute("href"))
    link.click()
    page.wait_for_url(target)


def assert_accessible(page):
    """Run axe-core on the current page; fail listing every WCAG 2.2 AA violation."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Loaded from our own static files, as a page script would be: the
        # Content-Security-Policy stays on in browser tests and refuses inline script.
        origin = page.evaluate("() => window.location.origin")
        page.add_script_tag(url=f"{origin}/static/vendor/axe-core/axe.min.js")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert not problems, f"Accessibility violations on {page.url}:\n" + "\n".join(problems)
