"""Take the README / docs screenshots of each workbench page (not a test).

    python tests/e2e/screenshots.py [--out docs/screenshots]

Starts `cleanclaim serve` on a fresh SQLite file and a free port, signs in, codes a synthetic
note, scrubs the example claims, analyses a synthetic 835 and looks up M54.2, shooting each page
with Debian's headless chromium."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from live_server import CHROMIUM_ARGS, CHROMIUM_PATH, live_server, sample_835, sample_note  # noqa: E402

REPO = HERE.parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(REPO / "docs" / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with live_server() as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{server.url}/login")
        page.screenshot(path=str(out / "login.png"))
        page.fill("#key", server.key)
        page.click("button[type=submit]")

        page.fill("#note", sample_note())
        page.screenshot(path=str(out / "code-form.png"))
        page.click("text=Code note")
        page.wait_for_selector("#note-text mark")
        page.locator(".code-card").first.focus()
        page.screenshot(path=str(out / "code.png"), full_page=True)

        page.goto(f"{server.url}/scrub")
        page.set_input_files("#file", [str(f) for f in sorted((REPO / "examples" / "claims").glob("*.837"))])
        page.click("button:has-text('Scrub')")
        page.wait_for_selector("#findings")
        page.screenshot(path=str(out / "scrub.png"), full_page=True)
        page.locator("#findings tbody tr a").first.click()
        page.wait_for_selector("article.finding")
        page.screenshot(path=str(out / "scrub-claim.png"), full_page=True)

        page.goto(f"{server.url}/denials")
        page.set_input_files("#file", [str(sample_835(server.tmp))])
        page.click("button:has-text('Analyse')")
        page.wait_for_selector("#chart-category svg")
        page.screenshot(path=str(out / "denials.png"), full_page=True)
        page.locator("#worklist a").first.click()
        page.wait_for_selector("#appeal-text")
        page.screenshot(path=str(out / "appeal.png"), full_page=True)

        page.goto(f"{server.url}/lookup?q=pinched+nerve+in+the+neck")
        page.screenshot(path=str(out / "search.png"), full_page=True)
        page.goto(f"{server.url}/lookup/M54.2")
        page.wait_for_selector("#comparison")
        page.screenshot(path=str(out / "lookup.png"), full_page=True)
        browser.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
