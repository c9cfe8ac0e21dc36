"""Workbench pages through the app (no browser): sign-in, each page's content, labelled controls,
uploads with bad input, and the cross-site guard. The browser tests live in tests/e2e/."""

from __future__ import annotations

import re
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from cleanclaim.web.app import create_app  # noqa: E402
from cleanclaim.web.keys import create_key  # noqa: E402
from cleanclaim.web.settings import Settings  # noqa: E402
from test_web_api import RADICULOPATHY_NOTE, have, synthetic_835, synthetic_837  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

HTML = {"accept": "text/html"}


class Page(HTMLParser):
    """Just enough of the DOM for the checks: controls, labels, marks, table rows."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.controls: list[dict[str, str]] = []
        self.label_for: set[str] = set()
        self.marks: list[tuple[str, str]] = []
        self._mark: dict[str, str] | None = None
        self._mark_text: list[str] = []
        self.ids: set[str] = set()
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append(a)
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        if tag == "mark":
            self._mark, self._mark_text = a, []

    def handle_data(self, data: str) -> None:
        if self._mark is not None:
            self._mark_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark" and self._mark is not None:
            self.marks.append((self._mark.get("data-codes", ""), "".join(self._mark_text)))
            self._mark = None

    def unlabelled(self) -> list[str]:
        return [c.get("name", "?") for c in self.controls
                if not (c.get("id") in self.label_for or c.get("aria-label"))]


@pytest.fixture
def web(tmp_path: Path):
    app = create_app(Settings.from_env(str(tmp_path / "pages.db")), warm=False)
    with TestClient(app) as c:
        key, _ = create_key(app.state.db, "admin", "page tester")
        c.key = key
        yield c


def sign_in(c: TestClient, key: str | None = None) -> None:
    r = c.post("/login", data={"key": key or c.key, "next": "/code"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/code"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def check_page(c: TestClient, url: str, status: int = 200) -> Page:
    r = c.get(url, headers=HTML)
    assert r.status_code == status, (url, r.text[:500])
    page = Page(r.text)
    assert page.unlabelled() == [], f"{url}: form controls without a label"
    assert 'href="#main"' in r.text       # skip link for keyboard users
    return page


def test_pages_need_sign_in_and_keep_the_target(web):
    r = web.get("/scrub", headers=HTML, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/scrub"
    bad = web.post("/login", data={"key": "cc_wrong", "next": "/scrub"})
    assert bad.status_code == 401 and "unknown or revoked" in bad.text
    r = web.post("/login", data={"key": web.key, "next": "https://evil.example/"}, follow_redirects=False)
    assert r.headers["location"] == "/"
    sign_in(web)
    assert web.get("/", follow_redirects=False).headers["location"] == "/code"
    r = web.post("/logout", follow_redirects=False)
    assert r.status_code == 303


def test_biller_lands_on_denials_and_cannot_code(web):
    key, _ = create_key(web.app.state.db, "biller", "a biller")
    sign_in(web, key)
    assert web.get("/", follow_redirects=False).headers["location"] == "/denials"
    r = web.get("/code", headers=HTML)
    assert r.status_code == 403 and "may not use this page" in r.text
    assert "Code a note" not in r.text.split("<main")[0]    # nav hides what the role cannot use


def test_every_page_has_labelled_controls(web):
    sign_in(web)
    for url in ("/code", "/scrub", "/denials", "/lookup", "/lookup?q=neck+pain", "/audit"):
        check_page(web, url)
        headers = web.get(url, headers=HTML).headers
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    check_page(web, "/login")


def test_cross_site_form_posts_are_refused(web):
    sign_in(web)
    r = web.post("/code", data={"text": "neck pain"}, headers={**HTML, "origin": "https://evil.example"})
    assert r.status_code == 403


def test_code_page_highlights_evidence_and_saves_decisions(web):
    have("coding")
    sign_in(web)
    r = web.post("/code", data={"text": RADICULOPATHY_NOTE, "setting": "outpatient"}, follow_redirects=False)
    assert r.status_code == 303
    run_url = r.headers["location"]
    page = check_page(web, run_url)
    html = web.get(run_url, headers=HTML).text
    assert "M54.12" in html and "Documentation checklist" in html and "Rejected alternatives" in html
    marked = [text for codes, text in page.marks if "M54.12" in codes.split()]
    assert marked, "no evidence highlighted for M54.12"
    assert all(t in RADICULOPATHY_NOTE for t in marked)
    assert any(re.search("radiculopathy", t, re.I) for t in marked)
    # override without reason: refused with a message; accept: saved and shown
    r = web.post(f"{run_url}/decision", data={"code": "M54.12", "decision": "override", "reason": ""})
    assert "needs a reason" in r.text
    r = web.post(f"{run_url}/decision", data={"code": "M54.12", "decision": "accept"})
    assert r.status_code == 200 and "Accepted" in r.text and "saved to the audit log" in r.text
    audit = web.get("/audit", headers=HTML).text
    assert "code.accept" in audit and "code.note" in audit


def test_code_form_errors_keep_the_note(web):
    sign_in(web)
    r = web.post("/code", data={"text": "", "setting": "outpatient"})
    assert r.status_code == 422 and "text:" in r.text


def test_scrub_upload_shows_findings_detail_and_csv(web):
    have("scrub")
    sign_in(web)
    x12 = synthetic_837(6, seed=11)
    r = web.post("/scrub", files=[("file", ("batch.837", x12.encode()))], follow_redirects=False)
    assert r.status_code == 303
    run_url = r.headers["location"]
    html = web.get(run_url, headers=HTML).text
    check_page(web, run_url)
    stored = web.app.state.db
    from cleanclaim.web import store

    run = store.get_scrub(stored, int(run_url.rsplit("/", 1)[1]))
    n = sum(len(c.findings) for c in run.claims)
    assert html.count('<tr data-severity=') == n
    assert "batch.837" in html and "Download findings (CSV)" in html
    claim = run.claims[0]
    detail = web.get(f"{run_url}/claims/{claim.id}", headers=HTML).text
    assert claim.claim_id in detail
    for f in claim.findings:
        assert f.message.split("(")[0].strip()[:30].replace("'", "&#39;") in detail
    csv_resp = web.get(f"{run_url}/findings.csv")
    assert csv_resp.headers["content-type"].startswith("text/csv")
    assert len(csv_resp.text.strip().splitlines()) == n + 1


def test_bad_upload_in_the_browser_gets_a_clear_message(web):
    have("scrub")
    sign_in(web)
    r = web.post("/scrub", files=[("file", ("broken.837", b"ISA*00*garbage~ST*837*1~"))], headers=HTML)
    assert 400 <= r.status_code < 500
    assert 'role="alert"' in r.text and "broken.837" in r.text


def test_denials_dashboard_charts_worklist_and_appeal(web):
    have("denials")
    sign_in(web)
    r = web.post("/denials", files=[("file", ("era.835", synthetic_835().encode()))], follow_redirects=False)
    assert r.status_code == 303
    html = web.get(r.headers["location"], headers=HTML).text
    page = Page(html)
    assert {"chart-category", "chart-payer", "chart-carc", "chart-denial-rate", "chart-preventable",
            "worklist", "denial-rate"} <= page.ids
    assert html.count("<rect") >= 3
    m = re.search(r'href="(/denials/runs/\d+/claims/\d+/appeal)"', html)
    assert m
    have("appeals")
    appeal = web.get(m.group(1), headers=HTML)
    assert appeal.status_code == 200 and "appeal-text" in appeal.text and "Denial reason" in appeal.text


def test_lookup_shows_the_m54_2_comparison_table(web):
    have("codes")
    sign_in(web)
    html = web.get("/lookup/m542", headers=HTML).text
    assert "Cervicalgia" in html and 'id="comparison"' in html
    table = html.split('id="comparison"')[1].split("</table>")[0]
    for code in ("M54.2", "M54.12", "M47.812", "S12.9XXA"):
        assert code in table
    hits = web.get("/lookup", params={"q": "pinched nerve in the neck"}, headers=HTML).text
    assert 'id="hits"' in hits


def test_error_pages_are_html_for_browsers_and_json_for_the_api(web):
    sign_in(web)
    r = web.get("/scrub/runs/424242", headers=HTML)
    assert r.status_code == 404 and "<h1>404" in r.text
    r = web.get("/v1/scrub/runs/424242", headers={"Authorization": f"Bearer {web.key}"})
    assert r.status_code == 404 and r.json()["error"]["field"] == "run_id"


def test_oversize_browser_upload_gets_a_readable_page(tmp_path):
    settings = Settings.from_env(str(tmp_path / "small.db"))
    settings.max_upload_bytes = 2048
    with TestClient(create_app(settings, warm=False)) as c:
        key, _ = create_key(c.app.state.db, "admin")
        sign_in_key(c, key)
        r = c.post("/scrub", files=[("file", ("big.837", b"ISA*" + b"X" * 5000))], headers=HTML)
        assert r.status_code == 413
        assert "text/html" in r.headers["content-type"] and "upload too large" in r.text
        assert "2048" not in r.text and "MB limit" in r.text


def sign_in_key(c: TestClient, key: str) -> None:
    r = c.post("/login", data={"key": key, "next": "/scrub"}, follow_redirects=False)
    assert r.status_code == 303


def test_openapi_docs_work_offline_and_describe_the_uploads(web):
    docs = web.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert "cdn." not in docs.text and "unpkg" not in docs.text
    spec = web.get("/openapi.json").json()
    body = spec["paths"]["/v1/scrub"]["post"]["requestBody"]["content"]
    assert {"application/edi-x12", "application/json", "multipart/form-data"} <= set(body)
    assert "/health" in spec["paths"] and "/v1/code" in spec["paths"]
