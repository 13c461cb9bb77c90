"""Browser tests: Debian's headless chromium, driven by Playwright, against a live server."""

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "out" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
MISSING = "{what} is missing: run `make test`, which installs it ({how})."


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module; Playwright's event loop runs in this thread meanwhile."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(MISSING.format(what=CHROMIUM, how="apt-get install chromium"), pytrace=False)
    if not AXE.exists():
        pytest.fail(MISSING.format(what=AXE, how="npm ci"), pytrace=False)
    from playwright.sync_api import sync_playwright

    # While Playwright's sync API runs, Django sees an event loop in this thread and would
    # refuse the ORM. Allowed only for the module's life, so no later test or deploy check
    # inherits it.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield launched
            launched.close()


@pytest.fixture
def reference_data():
    """The councils and roles the migrations load, which a transactional test's flush removes."""
    from django.contrib.auth.models import Group

    from homeward.accounts.roles import ROLES
    from homeward.councils.models import Council
    from homeward.councils.reference import council_rows

    for row in council_rows():
        Council.objects.update_or_create(code=row["code"], defaults=row)
    for role in ROLES:
        Group.objects.get_or_create(name=role)


@pytest.fixture
def page(browser, live_server, reference_data):
    # The site's content security policy forbids injected scripts; axe-core is one, for tests.
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    opened = context.new_page()
    yield opened
    context.close()


def check_page(page, name: str) -> None:
    """Screenshot the page, and fail on any serious or critical accessibility violation."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert not serious, f"Accessibility violations on {name}:\n" + "\n".join(serious)
