"""End to end: a live `cleanclaim serve` on loopback driven by Debian's headless chromium.

Skips (with the reason) where chromium or the playwright package is absent; CI installs both."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from live_server import (  # noqa: E402
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    live_server,
    sample_835,
    sample_837,
    sample_note,
)

if not os.path.exists(CHROMIUM_PATH):
    pytest.skip(f"{CHROMIUM_PATH} not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) not installed")
pytest.importorskip("fastapi", reason="the serve extra is not installed")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def server():
    with live_server() as s:
        yield s


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(server, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.goto(f"{server.url}/login")
    pg.get_by_label("API key").fill(server.key)
    pg.keyboard.press("Enter")                      # keyboard only
    pg.wait_for_url(re.compile(r"/code$"))
    yield pg
    context.close()


def test_sign_in_link_with_key_in_fragment(server, browser):
    context = browser.new_context()
    pg = context.new_page()
    pg.goto(f"{server.url}/login?next=/lookup#key={server.key}")
    pg.wait_for_url(re.compile(r"/lookup$"))
    assert pg.get_by_label("Code or term").is_visible()
    context.close()


def test_paste_a_radiculopathy_note_and_see_m54_12_with_its_evidence(page):
    page.get_by_label("Clinical note").fill(sample_note())
    page.get_by_role("button", name="Code note").click()
    card = page.locator(".code-card[data-code='M54.12']")
    card.wait_for()
    assert page.locator(".code-card").first.get_attribute("data-code") == "M54.12"
    marks = page.locator("#note-text mark[data-codes~='M54.12']")
    assert marks.count() >= 1
    texts = [marks.nth(i).inner_text() for i in range(marks.count())]
    assert any("radiculopathy" in t.lower() for t in texts)
    assert all(t in sample_note() for t in texts)
    # focusing the code (keyboard) lights up its evidence
    card.focus()
    assert "active" in (marks.first.get_attribute("class") or "")
    # accept the code: saved and shown
    page.get_by_role("button", name="Accept M54.12").click()
    page.get_by_text("saved to the audit log").wait_for()
    assert page.locator(".code-card[data-code='M54.12'] .decision.accept").is_visible()


def test_upload_a_claim_file_and_see_its_findings(page, server):
    page.goto(f"{server.url}/scrub")
    page.get_by_label(re.compile("Claim files")).set_input_files(str(sample_837(server.tmp)))
    page.get_by_role("button", name="Scrub").click()
    page.locator("h1", has_text="Scrub run").wait_for()
    rows = page.locator("#findings tbody tr")
    assert rows.count() >= 1
    first_severity = rows.first.locator(".sev").inner_text()
    assert first_severity == "error"
    # sort by category with the keyboard, then back to severity
    page.locator("th[data-sort=category] button").focus()
    page.keyboard.press("Enter")
    cats = [rows.nth(i).get_attribute("data-category") for i in range(rows.count())]
    assert cats == sorted(cats)
    # per-claim detail shows the fix
    rows.first.locator("a").click()
    page.locator("article.finding").first.wait_for()
    assert page.locator("article.finding .fix").count() >= 1


def test_upload_an_835_and_see_the_chart(page, server):
    page.goto(f"{server.url}/denials")
    page.get_by_label(re.compile("Remittance files")).set_input_files(str(sample_835(server.tmp)))
    page.get_by_role("button", name="Analyse").click()
    chart = page.locator("#chart-category svg")
    chart.wait_for()
    assert chart.locator("rect").count() >= 2
    assert page.locator("#chart-payer svg rect").count() >= 1
    assert page.locator("#chart-carc svg rect").count() >= 1
    assert page.locator("#chart-denial-rate svg rect.error").count() == 1     # the denied share
    assert re.search(r"\d+(\.\d)?%", page.locator("#denial-rate").inner_text())
    page.locator("#worklist a", has_text="Draft appeal").first.click()
    letter = page.get_by_label("Letter")
    letter.wait_for()
    assert "Denial reason" in letter.input_value()


def test_a_malformed_upload_shows_a_clear_message(page, server):
    bad = server.tmp / "broken.837"
    bad.write_text("this is not an X12 file")
    page.goto(f"{server.url}/scrub")
    page.get_by_label(re.compile("Claim files")).set_input_files(str(bad))
    page.get_by_role("button", name="Scrub").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "broken.837" in alert.inner_text()


def test_look_up_m54_2_shows_the_comparison_table(page, server):
    page.goto(f"{server.url}/lookup")
    page.get_by_label("Code or term").fill("M54.2")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="M54.2").first.click()
    table = page.locator("#comparison")
    table.wait_for()
    assert table.locator("tbody tr").count() >= 4
    assert "M54.12" in table.inner_text()


def test_server_log_has_requests_but_no_note_text(page, server):
    """Runs after the flows above (file order): the live server's log never holds PHI."""
    log = (server.tmp / "server.log").read_text()
    assert "request id=" in log and "POST /code" in log
    for phrase in ("radiculopathy", "Spurling", "pinprick", server.key):
        assert phrase not in log
