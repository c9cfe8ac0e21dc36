"""REST API: auth and roles, contract shapes, uploads three ways, bad input, persistence, audit.

Runs on SQLite always and on PostgreSQL too when CLEANCLAIM_TEST_PG_URL is set (CI sets it).
Engine-dependent tests skip while that engine is not installed."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import threading
import warnings
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("sqlalchemy")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from sqlalchemy import func, select, text  # noqa: E402

from cleanclaim.web import engines  # noqa: E402
from cleanclaim.web.app import create_app  # noqa: E402
from cleanclaim.web.keys import create_key, hash_key  # noqa: E402
from cleanclaim.web.models import ApiKey, AuditEvent, CodeDecision, RemitRun, ScrubFinding, ScrubRun  # noqa: E402
from cleanclaim.web.settings import Settings  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PG_URL = os.environ.get("CLEANCLAIM_TEST_PG_URL")

RADICULOPATHY_NOTE = """CHIEF COMPLAINT: Neck pain radiating to the right arm for 6 weeks.
HISTORY: 52-year-old with neck pain that started after yard work, radiating down the right arm into
the thumb and index finger, with numbness. Ibuprofen and 6 weeks of physical therapy did not help.
EXAM: Spurling test positive on the right. Diminished sensation in the right C6 dermatome. Biceps
reflex 1+ on the right, 2+ on the left. Wrist extension 4/5 on the right.
ASSESSMENT: Right C6 cervical radiculopathy.
PLAN: MRI cervical spine without contrast. Gabapentin. Follow up in 2 weeks.
"""


def have(engine: str) -> None:
    if not engines.available().get(engine):
        pytest.skip(f"the {engine} engine is not installed yet")


# --- fixtures ---------------------------------------------------------------------------------------

def reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine

    from cleanclaim.web.settings import normalize_db_url

    eng = create_engine(normalize_db_url(url))
    with eng.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    eng.dispose()


def db_urls() -> list:
    pg = pytest.param("pg", marks=pytest.mark.skipif(not PG_URL, reason="CLEANCLAIM_TEST_PG_URL not set: "
                                                                        "no PostgreSQL server for this run"))
    return ["sqlite", pg]


@pytest.fixture(params=db_urls())
def db_url(request, tmp_path: Path) -> str:
    if request.param == "pg":
        reset_postgres(PG_URL)
        return PG_URL
    return str(tmp_path / "web.db")


def make_client(db_url: str, **settings) -> TestClient:
    app = create_app(Settings.from_env(db_url) if not settings else _settings(db_url, **settings), warm=False)
    return TestClient(app)


def _settings(db_url: str, **overrides) -> Settings:
    s = Settings.from_env(db_url)
    for k, v in overrides.items():
        setattr(s, k, v)
    return s


@pytest.fixture
def client(db_url: str):
    with make_client(db_url) as c:
        yield c


def bearer(client: TestClient, role: str) -> dict[str, str]:
    key, _ = create_key(client.app.state.db, role, f"test {role}")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def admin(client):
    return bearer(client, "admin")


def count(client: TestClient, model) -> int:
    with client.app.state.db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def synthetic_837(n: int = 3, seed: int = 11) -> str:
    from cleanclaim.claims.synthetic import generate_claims
    from cleanclaim.claims.x12_writer import to_837p_text

    return to_837p_text(generate_claims(n, seed=seed))


def synthetic_835(n: int = 60, seed: int = 3) -> str:
    from cleanclaim.remits.synthetic import synthetic_remits
    from cleanclaim.remits.writer import write_835

    buf = io.StringIO()
    write_835(synthetic_remits(n, seed=seed), buf)
    return buf.getvalue()


X12 = {"content-type": "application/edi-x12"}


# --- health, auth, roles ----------------------------------------------------------------------------

def test_health_needs_no_key_and_checks_the_database(client):
    r = client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["database"]["ok"] is True
    assert body["database"]["dialect"] in ("sqlite", "postgresql")


def test_every_v1_endpoint_requires_a_key(client):
    paths = {p: ops for p, ops in client.app.openapi()["paths"].items() if p.startswith("/v1")}
    assert len(paths) >= 10
    for template, ops in paths.items():
        path = template.replace("{code}", "M542")
        for name in ("run_id", "row_id", "key_id"):
            path = path.replace("{" + name + "}", "1")
        for method in ops:
            r = client.request(method, path)
            assert r.status_code == 401, (method, path, r.status_code)
            assert r.json()["error"]["code"] == "unauthorized"
            assert r.headers["www-authenticate"] == "Bearer"


def test_unknown_and_revoked_keys_are_refused(client, admin):
    assert client.get("/v1/lookup/M542", headers={"Authorization": "Bearer cc_nope"}).status_code == 401
    made = client.post("/v1/keys", json={"role": "coder", "name": "temp"}, headers=admin)
    assert made.status_code == 201
    h = {"Authorization": f"Bearer {made.json()['key']}"}
    assert client.get("/v1/lookup/M542", headers=h).status_code == 200
    assert client.delete(f"/v1/keys/{made.json()['id']}", headers=admin).status_code == 200
    r = client.get("/v1/lookup/M542", headers=h)
    assert r.status_code == 401 and "revoked" in r.json()["error"]["message"]


def test_roles_limit_what_a_key_may_do(client):
    coder, biller = bearer(client, "coder"), bearer(client, "biller")
    r = client.post("/v1/denials", content=b"ISA", headers={**biller, **X12})
    assert r.status_code != 403
    r = client.post("/v1/denials", content=b"ISA", headers={**coder, **X12})
    assert r.status_code == 403 and "coder" in r.json()["error"]["message"]
    assert client.post("/v1/code", json={"text": "neck pain"}, headers=biller).status_code == 403
    assert client.get("/v1/audit", headers=coder).status_code == 403
    assert client.post("/v1/keys", json={"role": "admin"}, headers=biller).status_code == 403
    assert client.get("/v1/search", params={"q": "neck"}, headers=biller).status_code in (200, 503)


def test_keys_are_stored_hashed_never_in_clear(client):
    key, row = create_key(client.app.state.db, "coder", "hash check")
    with client.app.state.db.read() as s:
        rows = s.scalars(select(ApiKey)).all()
        columns = ApiKey.__table__.columns
        dumped = json.dumps([[getattr(r, c.name) for c in columns] for r in rows], default=str)
    assert key not in dumped
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest() == hash_key(key)
    assert key.startswith("cc_") and len(key) > 40


# --- look up and search -----------------------------------------------------------------------------

def test_lookup_and_search_answer_as_the_engines_do(client, admin):
    have("codes")
    r = client.get("/v1/lookup/ s129xxa ", headers=admin)
    assert r.status_code == 200
    assert r.json() == engines.lookup(" s129xxa ")
    assert r.json()["code"] == "S12.9XXA"
    dated = client.get("/v1/lookup/M54.2", params={"date": "2019-05-01"}, headers=admin).json()
    assert dated["valid"] is True
    assert client.get("/v1/lookup/M54.2", params={"date": "2019-13-01"}, headers=admin).json()["error"][
        "field"] == "date"
    have("search")
    hits = client.get("/v1/search", params={"q": "wry neck", "limit": 5}, headers=admin).json()
    assert 0 < len(hits) <= 5
    assert set(hits[0]) >= {"code", "description", "score", "matched"}
    assert hits == engines.search("wry neck", limit=5)
    missing = client.get("/v1/search", headers=admin)
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "q"


# --- coding and decisions -----------------------------------------------------------------------------

def test_code_a_note_stores_the_run_and_audits_by_hash(client, admin):
    have("coding")
    r = client.post("/v1/code", json={"text": RADICULOPATHY_NOTE, "id": "n1"}, headers=admin)
    assert r.status_code == 200, r.text
    body = r.json()
    codes = [c["code"] for c in body["codes"]]
    assert "M54.12" in codes
    for c in body["codes"]:
        for ev in c.get("evidence", []):
            assert RADICULOPATHY_NOTE[ev["start"]:ev["end"]] == ev["text"]
    stored = client.get(f"/v1/code/{body['run_id']}", headers=admin).json()
    assert [c["code"] for c in stored["codes"]] == codes
    events = client.get("/v1/audit", headers=admin).json()
    ev = next(e for e in events if e["action"] == "code.note")
    assert ev["input_sha256"] == hashlib.sha256(RADICULOPATHY_NOTE.encode()).hexdigest()
    assert "C6" not in json.dumps(ev)


def test_accept_and_override_are_saved_with_reasons(client, admin):
    have("coding")
    run = client.post("/v1/code", json={"text": RADICULOPATHY_NOTE}, headers=admin).json()
    first = run["codes"][0]["code"]
    url = f"/v1/code/{run['run_id']}/decisions"
    no_reason = client.post(url, json={"code": first, "decision": "override"}, headers=admin)
    assert no_reason.status_code == 422 and no_reason.json()["error"]["field"] == "reason"
    foreign = client.post(url, json={"code": "Z00.00", "decision": "accept"}, headers=admin)
    assert foreign.status_code == 422 and foreign.json()["error"]["field"] == "code"
    bad_replacement = client.post(url, json={"code": first, "decision": "override", "replacement": "QQQ.Q",
                                             "reason": "payer wants other code"}, headers=admin)
    assert bad_replacement.status_code == 422 and bad_replacement.json()["error"]["field"] == "replacement"
    assert client.post(url, json={"code": first, "decision": "accept"}, headers=admin).status_code == 200
    over = client.post(url, json={"code": first, "decision": "override", "replacement": "m5412",
                                  "reason": "level confirmed on MRI report"}, headers=admin)
    assert over.status_code == 200 and over.json()["replacement"] == "M54.12"
    assert client.post("/v1/code/999999/decisions", json={"code": first, "decision": "accept"},
                       headers=admin).status_code == 404
    stored = client.get(f"/v1/code/{run['run_id']}", headers=admin).json()
    assert [(d["decision"], d["reason"]) for d in stored["decisions"]] == [
        ("accept", None), ("override", "level confirmed on MRI report")]
    actions = [e["action"] for e in client.get("/v1/audit", headers=admin).json()]
    assert actions.count("code.accept") == 1 and actions.count("code.override") == 1


@pytest.mark.parametrize(("body", "field"), [
    ({"text": ""}, "text"),
    ({"text": "x" * 100_001}, "text"),
    ({"text": "neck pain", "setting": "clinic"}, "setting"),
    ({"text": "neck pain", "age": -3}, "age"),
    ({"text": "neck pain", "date": "yesterday"}, "date"),
    ({"note": "neck pain"}, "text"),
])
def test_bad_code_requests_name_the_field_and_never_echo_the_note(tmp_path, body, field):
    # validation never reaches the database: SQLite only
    with make_client(str(tmp_path / "v.db")) as client:
        admin = bearer(client, "admin")
        r = client.post("/v1/code", json=body, headers=admin)
        audits = count(client, AuditEvent)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["field"] == field or any(d["field"] == field for d in err["details"])
    assert "xxxxxxxx" not in r.text
    assert audits == 1      # only the key creation


# --- scrub ------------------------------------------------------------------------------------------

def test_scrub_raw_x12_multipart_and_json_agree_with_the_engine(client, admin, tmp_path):
    have("scrub")
    x12 = synthetic_837(3)
    path = tmp_path / "claims.837"
    path.write_text(x12)
    direct = engines.scrub([path])
    raw = client.post("/v1/scrub", content=x12, headers={**admin, **X12})
    assert raw.status_code == 200, raw.text
    multi = client.post("/v1/scrub", files=[("file", ("claims.837", x12.encode()))], headers=admin)
    assert multi.status_code == 200
    for r in (raw, multi):
        body = r.json()
        assert body["summary"] == direct["summary"]
        assert [c["claim_id"] for c in body["claims"]] == [c["claim_id"] for c in direct["claims"]]
        assert [len(c["findings"]) for c in body["claims"]] == [len(c["findings"]) for c in direct["claims"]]
        for c in body["claims"]:
            assert "/tmp/" not in json.dumps(c)
            for f in c["findings"]:
                assert set(f) >= {"rule", "category", "severity", "message", "codes", "line", "fix",
                                  "reference"}
    assert multi.json()["files"][0]["file"] == "claims.837"
    from cleanclaim.claims import read_claim_file
    from cleanclaim.claims.json_format import write_claims_json

    claims = [c for c in read_claim_file(path) if not hasattr(c, "message")]
    js = client.post("/v1/scrub", content=write_claims_json(claims),
                     headers={**admin, "content-type": "application/json"})
    assert js.status_code == 200, js.text
    assert js.json()["summary"]["claims"] == direct["summary"]["claims"]


def test_scrub_runs_are_stored_with_findings_and_csv(client, admin):
    have("scrub")
    body = client.post("/v1/scrub", content=synthetic_837(4, seed=3), headers={**admin, **X12}).json()
    stored = client.get(f"/v1/scrub/runs/{body['run_id']}", headers=admin).json()
    assert stored["summary"] == body["summary"]
    assert [[f["rule"] for f in c["findings"]] for c in stored["claims"]] == \
        [[f["rule"] for f in c["findings"]] for c in body["claims"]]
    n = sum(len(c["findings"]) for c in body["claims"])
    assert count(client, ScrubFinding) == n
    csv_text = client.get(f"/v1/scrub/runs/{body['run_id']}/findings.csv", headers=admin).text
    lines = [ln for ln in csv_text.splitlines() if ln]
    assert lines[0].startswith("claim_id,file,patient_control,severity,category,rule")
    assert len(lines) >= n + 1
    listed = client.get("/v1/scrub/runs", headers=admin).json()
    assert listed[0]["run_id"] == body["run_id"]


def test_malformed_claim_files_are_refused_and_nothing_is_stored(client, admin):
    have("scrub")
    before = (count(client, ScrubRun), count(client, AuditEvent))
    good = synthetic_837(2)
    broken = good.replace("ISA*", "ISX*", 1)
    for content, headers in (
        (broken, {**admin, **X12}),
        (b"{\"resourceType\": \"Claim\", ", {**admin, "content-type": "application/json"}),
        (b"   ", {**admin, **X12}),
    ):
        r = client.post("/v1/scrub", content=content, headers=headers)
        assert 400 <= r.status_code < 500, r.text
        assert r.json()["error"]["message"]
    # the error names the segment: an unsupported transaction, a truncated file, a claim without CLM01
    for content, seg_id in ((good.replace("ST*837", "ST*999", 1), "ST"), (good[: len(good) // 2], "ST"),
                            (good.replace("CLM*", "CLM~", 1), "CLM")):
        err = client.post("/v1/scrub", content=content, headers={**admin, **X12}).json()["error"]
        assert err["file"] == "body.x12" and err["segment_id"] == seg_id
        assert isinstance(err["segment_number"], int) and err["segment_number"] > 0
        assert f"segment {err['segment_number']}" in err["message"] or err["code"] == "unreadable_claim"
    # one good and one bad file in one upload: all or nothing
    files = [("file", ("good.837", good.encode())), ("file", ("bad.837", broken.encode()))]
    r = client.post("/v1/scrub", files=files, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["file"] == "bad.837"
    assert (count(client, ScrubRun), count(client, AuditEvent)) == before


def test_wrong_media_type_and_empty_uploads(client, admin):
    r = client.post("/v1/scrub", content=b"<html>", headers={**admin, "content-type": "text/html"})
    assert r.status_code == 415 and r.json()["error"]["field"] == "content-type"
    r = client.post("/v1/scrub", files=[("other", (None, "x"))], data={"a": "b"}, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["field"] == "file"
    r = client.post("/v1/denials", files=[("file", ("e.835", b""))], headers=admin)
    assert r.status_code == 422 and "empty" in r.json()["error"]["message"]


def test_oversize_bodies_get_413_declared_or_streamed(db_url):
    with make_client(db_url, max_upload_bytes=4096) as c:
        admin = bearer(c, "admin")
        before = count(c, AuditEvent)
        big = b"ISA*" + b"X" * 10_000
        r = c.post("/v1/scrub", content=big, headers={**admin, **X12})
        assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"

        def chunks():
            for _ in range(10):
                yield b"Y" * 1000

        r = c.post("/v1/denials", content=chunks(), headers={**admin, **X12})
        assert r.status_code == 413
        r = c.post("/v1/scrub", files=[("file", ("big.837", big))], headers=admin)
        assert r.status_code == 413
        assert count(c, AuditEvent) == before


# --- denials ----------------------------------------------------------------------------------------

def test_denials_are_analysed_stored_and_appealable(client, admin, tmp_path):
    have("denials")
    x835 = synthetic_835()
    path = tmp_path / "r.835"
    path.write_text(x835)
    direct = engines.analyze_remits([path])
    r = client.post("/v1/denials", files=[("file", ("r.835", x835.encode()))], headers=admin)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["summary"] == direct["summary"]
    assert body["summary"]["denied_claims"] > 0
    stored = client.get(f"/v1/denials/runs/{body['run_id']}", headers=admin).json()
    assert len(stored["claims"]) == direct["summary"]["claims"]
    assert sum(c["denied"] for c in stored["claims"]) == direct["summary"]["denied_claims"]
    assert count(client, RemitRun) == 1
    denied = next(c for c in stored["claims"] if c["denied"])
    appeal = client.get(f"/v1/denials/runs/{body['run_id']}/claims/{denied['row_id']}/appeal", headers=admin)
    have("appeals")
    assert appeal.status_code == 200, appeal.text
    letter = appeal.json()["text"]
    assert denied["claim_id"] in letter and denied["payer"] in letter
    assert "[member ID]" in letter        # member ids are not stored, so never put in a letter
    paid = next(c for c in stored["claims"] if not c["denied"] and c["denied_amount"] == 0)
    r = client.get(f"/v1/denials/runs/{body['run_id']}/claims/{paid['row_id']}/appeal", headers=admin)
    assert r.status_code == 404 and r.json()["error"]["code"] == "no_appeal"


def test_truncated_835_is_refused(client, admin):
    have("denials")
    x835 = synthetic_835(5)
    r = client.post("/v1/denials", content=x835[:400], headers={**admin, **X12})
    assert r.status_code == 422
    assert r.json()["error"]["file"] == "body.x12"
    assert count(client, RemitRun) == 0


# --- persistence ------------------------------------------------------------------------------------

def test_migrations_match_the_models(client):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from cleanclaim.web.models import Base

    with client.app.state.db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_audit_log_is_append_only(client, admin):
    client.get("/v1/audit", headers=admin)
    db = client.app.state.db
    assert count(client, AuditEvent) >= 1
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), db.write() as s:
            s.execute(text(statement))
    assert count(client, AuditEvent) >= 1


def test_concurrent_writes_never_lose_a_record(client, admin):
    """Many threads writing at once (keys + their audit events); every record must land."""
    errors: list[str] = []

    def worker(n: int) -> None:
        for i in range(6):
            r = client.post("/v1/keys", json={"role": "coder", "name": f"w{n}-{i}"}, headers=admin)
            if r.status_code != 201:
                errors.append(r.text)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with client.app.state.db.read() as s:
        names = s.scalars(select(ApiKey.name).where(ApiKey.name.like("w%-%"))).all()
        audits = s.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "key.create"))
    assert sorted(names) == sorted(f"w{n}-{i}" for n in range(12) for i in range(6))
    assert audits == 72 + 1


def test_concurrent_decisions_all_recorded(client, admin):
    have("coding")
    run = client.post("/v1/code", json={"text": RADICULOPATHY_NOTE}, headers=admin).json()
    code = run["codes"][0]["code"]

    def worker() -> None:
        for _ in range(5):
            client.post(f"/v1/code/{run['run_id']}/decisions", json={"code": code, "decision": "accept"},
                        headers=admin)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert count(client, CodeDecision) == 40


# --- logs ----------------------------------------------------------------------------------------

def test_logs_carry_ids_and_counts_never_phi(client, admin, caplog):
    secret_note = RADICULOPATHY_NOTE + "\nMember ID ZZQ998877; patient Jane Q Testpatient.\n"
    with caplog.at_level(logging.DEBUG):
        client.post("/v1/code", json={"text": secret_note}, headers=admin)
        client.post("/v1/code", json={"text": secret_note, "setting": "nope"}, headers=admin)
        client.post("/v1/scrub", content=b"ISA*ZZQ998877*broken", headers={**admin, **X12})
        client.get("/v1/search", params={"q": "Testpatient neck"}, headers=admin)
    web_logs = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("cleanclaim.web"))
    assert "request id=" in web_logs and "/v1/code" in web_logs
    for secret in ("ZZQ998877", "Testpatient", "radiculopathy", admin["Authorization"][7:]):
        # every server-side record (the test's own HTTP client, httpx, logs URLs: not ours)
        server_side = [r.getMessage() for r in caplog.records if not r.name.startswith("httpx")]
        assert secret not in "\n".join(server_side)


# --- command line -------------------------------------------------------------------------------

def test_keys_command_prints_a_working_key_and_rejects_bad_input(tmp_path):
    import subprocess
    import sys

    cli = [sys.executable, "-c", "from cleanclaim.cli import main; main()"]
    db = str(tmp_path / "cli.db")
    made = subprocess.run([*cli, "keys", "create", "--role", "coder", "--db", db], capture_output=True,
                          text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    with make_client(db) as c:
        assert c.get("/v1/lookup/M542", headers={"Authorization": f"Bearer {key}"}).status_code != 401
    bad = subprocess.run([*cli, "keys", "create", "--role", "owner", "--db", db], capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "role" in bad.stderr
    down = subprocess.run([*cli, "keys", "list", "--db", "postgresql://nobody:x@127.0.0.1:1/none"],
                          capture_output=True, text=True, timeout=120)
    assert down.returncode == 2 and "cannot open database" in down.stderr
    assert "Traceback" not in down.stderr


@pytest.mark.shared
def test_public_837p_corpus_through_the_api_matches_the_engine(shared_dir, tmp_path):
    """Every public 837P sample: the API answers as the engine does, or refuses exactly the files the
    engine could not read whole (file error or an unreadable claim), naming the file."""
    have("scrub")
    files = sorted((shared_dir / "x12-corpus" / "837p").iterdir())
    assert len(files) >= 20
    with make_client(str(tmp_path / "corpus.db")) as c:
        admin = bearer(c, "admin")
        accepted = refused = 0
        for path in files:
            try:
                direct = engines.scrub([path])
            except engines.ApiError:
                direct = None
            r = c.post("/v1/scrub", files=[("file", (path.name[-60:], path.read_bytes()))], headers=admin)
            if direct is None:
                assert r.status_code == 422, (path.name, r.text)
                assert r.json()["error"]["file"]
                refused += 1
            else:
                assert r.status_code == 200, (path.name, r.text)
                assert r.json()["summary"] == direct["summary"]
                accepted += 1
        assert accepted >= len(files) // 2
        assert count(c, ScrubRun) == accepted


def test_worker_processes_share_one_sqlite_file_without_losing_records(tmp_path):
    """`serve --workers N` on SQLite: processes writing at once all land (file lock + WAL)."""
    import subprocess
    import sys

    db = str(tmp_path / "multi.db")
    with make_client(db):
        pass   # migrate once
    script = ("import sys\nfrom cleanclaim.web.db import Database\n"
              "from cleanclaim.web.keys import create_key\n"
              "from cleanclaim.web.settings import normalize_db_url\n"
              "d = Database(normalize_db_url(sys.argv[1]))\n"
              "for i in range(40):\n    create_key(d, 'coder', f'p{sys.argv[2]}-{i}')\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, db, str(n)]) for n in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    with make_client(db) as c, c.app.state.db.read() as s:
        names = s.scalars(select(ApiKey.name)).all()
        audits = s.scalar(select(func.count()).select_from(AuditEvent))
    assert sorted(names) == sorted(f"p{n}-{i}" for n in range(3) for i in range(40))
    assert audits == 120
