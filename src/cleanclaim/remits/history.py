"""Denial history in DuckDB: append remittances, summarise a year of them with SQL in seconds.

Tables (see docs/denials.md):

* ``files``       one row per loaded file, keyed by the SHA-256 of its bytes: loading the same file
                  again is a no-op, so re-runs and overlapping batches never double-count;
* ``claims``      one row per remitted claim (CLP), judged: denied, cause, preventable ...;
* ``adjustments`` one row per CAS triple with its category and denial flag;
* ``lines``       one row per service line (SVC), for rates by procedure.

Rows go in through a CSV stage and ``COPY`` (an order of magnitude faster than row inserts); every
summary is a SQL query over these tables, so the same code answers for ten claims or ten million.
"""

from __future__ import annotations

import csv
import hashlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cleanclaim.remits.analysis import ClaimOutcome, DenialReport, month_of

if TYPE_CHECKING:
    import duckdb

__all__ = ["History", "file_hash", "SCHEMA"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    file_hash VARCHAR PRIMARY KEY, file_name VARCHAR, loaded_at TIMESTAMP, transactions INTEGER,
    claims INTEGER, findings INTEGER, error VARCHAR);
CREATE TABLE IF NOT EXISTS claims (
    claim_key VARCHAR, file_hash VARCHAR, claim_id VARCHAR, payer VARCHAR, payer_id VARCHAR,
    payee VARCHAR, provider VARCHAR, status VARCHAR, billed DECIMAL(18,2), paid DECIMAL(18,2),
    patient_responsibility DECIMAL(18,2), denied BOOLEAN, partially_denied BOOLEAN,
    denied_amount DECIMAL(18,2), category VARCHAR, group_code VARCHAR, carc VARCHAR, rarc VARCHAR,
    preventable BOOLEAN, preventable_amount DECIMAL(18,2), scrub_categories VARCHAR, procedure VARCHAR,
    diagnosis VARCHAR, service_date DATE, paid_date DATE, month DATE, payer_claim_control VARCHAR,
    filing_indicator VARCHAR, reversal BOOLEAN, remarks VARCHAR, procedures VARCHAR, diagnoses VARCHAR,
    patient VARCHAR, member_id VARCHAR, trace_number VARCHAR);
CREATE TABLE IF NOT EXISTS adjustments (
    claim_key VARCHAR, file_hash VARCHAR, line INTEGER, procedure VARCHAR, diagnosis VARCHAR,
    group_code VARCHAR, carc VARCHAR, rarc VARCHAR, amount DECIMAL(18,2), category VARCHAR,
    denial BOOLEAN, preventable BOOLEAN);
CREATE TABLE IF NOT EXISTS lines (
    claim_key VARCHAR, file_hash VARCHAR, line INTEGER, procedure VARCHAR, modifiers VARCHAR,
    charge DECIMAL(18,2), paid DECIMAL(18,2), units DECIMAL(12,3), denied_amount DECIMAL(18,2),
    diagnosis VARCHAR, service_date DATE);
"""

CLAIM_COLUMNS = (
    "claim_key",
    "file_hash",
    "claim_id",
    "payer",
    "payer_id",
    "payee",
    "provider",
    "status",
    "billed",
    "paid",
    "patient_responsibility",
    "denied",
    "partially_denied",
    "denied_amount",
    "category",
    "group_code",
    "carc",
    "rarc",
    "preventable",
    "preventable_amount",
    "scrub_categories",
    "procedure",
    "diagnosis",
    "service_date",
    "paid_date",
    "month",
    "payer_claim_control",
    "filing_indicator",
    "reversal",
    "remarks",
    "procedures",
    "diagnoses",
    "patient",
    "member_id",
    "trace_number",
)


def file_hash(path: str | os.PathLike[str]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _b(v: bool) -> str:
    return "true" if v else "false"


def _s(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return str(v)
    return str(v)


class History:
    """A DuckDB database of remitted claims; ``path=None`` keeps it in memory (one report's summary)."""

    def __init__(self, path: str | os.PathLike[str] | None = None, read_only: bool = False) -> None:
        import duckdb

        self.path = os.fspath(path) if path else None
        try:
            self.conn: duckdb.DuckDBPyConnection = duckdb.connect(
                self.path or ":memory:", read_only=read_only
            )
        except duckdb.Error as exc:
            from cleanclaim.errors import InputError

            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(f"cannot open the history database: {first}", file=self.path) from None
        if not read_only:
            self.conn.execute(SCHEMA)

    def close(self) -> None:
        self.conn.close()

    # ------------------------------------------------------------------------------------------ loading

    def known_hashes(self, hashes: Iterable[str]) -> set[str]:
        hs = list(hashes)
        if not hs:
            return set()
        rows = self.conn.execute(
            "SELECT file_hash FROM files WHERE file_hash IN (SELECT unnest(?))", [hs]
        ).fetchall()
        return {r[0] for r in rows}

    def add_report(self, report: DenialReport, hashes: dict[str, str] | None = None) -> dict[str, int]:
        """Append a report's claims; files already in the history (same SHA-256) are skipped.

        ``hashes`` maps file name -> hash (computed from the file when missing). Returns counts of
        files loaded / skipped and claims added.
        """
        hashes = dict(hashes or {})
        for f in report.files:
            if f.file not in hashes:
                try:
                    hashes[f.file] = file_hash(f.file)
                except OSError:
                    hashes[f.file] = hashlib.sha256(f.file.encode()).hexdigest()
        known = self.known_hashes(hashes.values())
        new_files = [
            f for f in report.files if hashes[f.file] not in known and not (f.error and f.transactions == 0)
        ]
        new_names = {f.file for f in new_files}
        outcomes = [o for o in report.outcomes if o.file in new_names]
        self._copy_rows(outcomes, hashes)
        now = datetime.now().replace(microsecond=0)
        for f in new_files:
            self.conn.execute(
                "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                [hashes[f.file], f.file, now, f.transactions, f.claims, len(f.findings), f.error],
            )
        return {
            "files_loaded": len(new_files),
            "files_skipped": len(report.files) - len(new_files),
            "claims_added": len(outcomes),
        }

    def _copy_rows(self, outcomes: Sequence[ClaimOutcome], hashes: dict[str, str]) -> None:
        if not outcomes:
            return
        with tempfile.TemporaryDirectory(prefix="cleanclaim-") as tmp:
            paths = {t: os.path.join(tmp, f"{t}.csv") for t in ("claims", "adjustments", "lines")}
            with (
                open(paths["claims"], "w", newline="") as fc,
                open(paths["adjustments"], "w", newline="") as fa,
                open(paths["lines"], "w", newline="") as fl,
            ):
                wc, wa, wl = csv.writer(fc), csv.writer(fa), csv.writer(fl)
                seq: dict[str, int] = {}
                for o in outcomes:
                    fh = hashes[o.file]
                    n = seq[fh] = seq.get(fh, 0) + 1
                    key = f"{fh[:16]}:{n}"
                    wc.writerow(_claim_row(o, key, fh))
                    for a in o.adjustments:
                        wa.writerow(
                            (
                                key,
                                fh,
                                _s(a.line),
                                _s(a.procedure),
                                _s(a.diagnosis),
                                a.group,
                                a.carc,
                                _s(a.rarc),
                                str(a.amount),
                                a.category,
                                _b(a.denial and a.amount > 0),
                                _b(bool(a.preventable_by) and a.denial and a.amount > 0),
                            )
                        )
                    denied_by_line: dict[int, Decimal] = {}
                    for a in o.adjustments:
                        if a.line is not None and a.denial and a.amount > 0 and not o.payment.is_reversal:
                            denied_by_line[a.line] = denied_by_line.get(a.line, Decimal(0)) + a.amount
                    dx_by_line = {a.line: a.diagnosis for a in o.adjustments if a.line is not None}
                    for sv in o.payment.services:
                        wl.writerow(
                            (
                                key,
                                fh,
                                sv.number,
                                sv.original_procedure or sv.procedure,
                                " ".join(sv.modifiers),
                                str(sv.charge),
                                str(sv.paid),
                                str(sv.units),
                                str(denied_by_line.get(sv.number, 0)),
                                _s(dx_by_line.get(sv.number) or (o.diagnoses[0] if o.diagnoses else None)),
                                _s(sv.service_date),
                            )
                        )
            for table, path in paths.items():
                if os.path.getsize(path) == 0:  # e.g. a remittance without service lines: DuckDB cannot
                    continue                    # sniff an empty CSV, and there is nothing to copy
                self.conn.execute(f"COPY {table} FROM '{path}' (FORMAT csv, HEADER false, NULLSTR '')")

    # ----------------------------------------------------------------------------------------- summary

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.conn.execute(sql, list(params))
        cols = [d[0] for d in cur.description]
        return [{c: _plain(v) for c, v in zip(cols, row, strict=True)} for row in cur.fetchall()]

    def summary(self, top: int = 10, pattern_threshold: int = 3) -> dict[str, Any]:
        """Denial rate by claims and dollars, broken down every way the issue asks, plus root causes."""
        rate = (
            "count(*) AS claims, count(*) FILTER (WHERE denied) AS denied_claims, "
            "round(count(*) FILTER (WHERE denied) / greatest(count(*), 1), 4) AS denial_rate, "
            "sum(billed) AS billed, sum(denied_amount) AS denied_amount, "
            "round(sum(denied_amount) / nullif(sum(billed), 0), 4) AS denial_rate_dollars"
        )
        totals = self._rows(f"""
            SELECT {rate}, sum(paid) AS paid,
                   count(*) FILTER (WHERE partially_denied) AS partially_denied_claims,
                   count(*) FILTER (WHERE preventable) AS preventable_claims,
                   sum(preventable_amount) AS preventable_amount,
                   round(count(*) FILTER (WHERE preventable)
                         / nullif(count(*) FILTER (WHERE denied_amount > 0), 0), 4) AS preventable_share,
                   round(sum(preventable_amount) / nullif(sum(denied_amount), 0), 4)
                       AS preventable_share_dollars,
                   min(month) AS first_month, max(month) AS last_month
            FROM claims""")[0]
        out: dict[str, Any] = {"totals": totals}
        for name, col in (("by_payer", "payer"), ("by_provider", "provider"), ("by_diagnosis", "diagnosis")):
            out[name] = self._rows(f"""
                SELECT coalesce({col}, '(unknown)') AS {col}, {rate} FROM claims
                GROUP BY 1 ORDER BY denied_amount DESC NULLS LAST, claims DESC LIMIT {int(top)}""")
        out["by_month"] = self._rows(f"""
            SELECT strftime(month, '%Y-%m') AS month, {rate} FROM claims WHERE month IS NOT NULL
            GROUP BY month ORDER BY month""")
        out["by_category"] = self._rows("""
            SELECT category, count(DISTINCT claim_key) AS claims, sum(amount) AS amount,
                   bool_or(denial) AS denial
            FROM adjustments GROUP BY category ORDER BY denial DESC, amount DESC""")
        out["by_carc"] = self._rows(f"""
            SELECT group_code || '-' || carc AS code, any_value(category) AS category,
                   count(DISTINCT claim_key) AS claims, sum(amount) AS amount
            FROM adjustments WHERE denial GROUP BY group_code, carc ORDER BY amount DESC LIMIT {int(top)}""")
        out["by_procedure"] = self._rows(f"""
            SELECT procedure, count(*) AS lines, count(*) FILTER (WHERE denied_amount > 0) AS denied_lines,
                   round(count(*) FILTER (WHERE denied_amount > 0) / count(*), 4) AS denial_rate,
                   sum(charge) AS billed, sum(denied_amount) AS denied_amount
            FROM lines GROUP BY procedure ORDER BY denied_amount DESC, lines DESC LIMIT {int(top)}""")
        out["root_causes"] = self._rows(f"""
            SELECT category, group_code, carc, rarc, count(DISTINCT claim_key) AS claims,
                   sum(amount) AS amount, bool_or(preventable) AS preventable
            FROM adjustments WHERE denial
            GROUP BY category, group_code, carc, rarc ORDER BY amount DESC LIMIT {int(top)}""")
        from cleanclaim.remits.reference import carc, rarc

        for r in out["root_causes"]:
            e = carc(r["carc"])
            r["description"] = e.description if e else "(code not in the catalogue)"
            re_ = rarc(r["rarc"]) if r["rarc"] else None
            r["remark"] = re_.description if re_ else None
        out["patterns"] = self._rows(f"""
            SELECT c.payer, a.procedure, a.diagnosis, a.category, count(DISTINCT a.claim_key) AS denials,
                   sum(a.amount) AS amount, string_agg(DISTINCT a.group_code || '-' || a.carc, ' ') AS carcs
            FROM adjustments a JOIN claims c USING (claim_key)
            WHERE a.denial AND a.procedure IS NOT NULL
            GROUP BY c.payer, a.procedure, a.diagnosis, a.category
            HAVING count(DISTINCT a.claim_key) >= {int(pattern_threshold)}
            ORDER BY denials DESC, amount DESC LIMIT {int(top)}""")
        return out

    def files(self) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM files ORDER BY loaded_at, file_name")

    def find_claim(self, claim_id: str) -> dict[str, Any] | None:
        """The most recent remitted row for a claim id, with its adjustments and lines (for appeals)."""
        rows = self._rows(
            """SELECT c.*, f.file_name FROM claims c JOIN files f USING (file_hash)
                             WHERE claim_id = ? ORDER BY denied_amount DESC, f.loaded_at DESC LIMIT 1""",
            [claim_id],
        )
        if not rows:
            return None
        row = rows[0]
        row["adjustments"] = self._rows(
            "SELECT * EXCLUDE (claim_key, file_hash) FROM adjustments "
            "WHERE claim_key = ? ORDER BY line NULLS FIRST",
            [row["claim_key"]],
        )
        row["lines"] = self._rows(
            "SELECT * EXCLUDE (claim_key, file_hash) FROM lines WHERE claim_key = ? ORDER BY line",
            [row["claim_key"]],
        )
        return row


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def _claim_row(o: ClaimOutcome, key: str, fh: str) -> tuple:
    p = o.payment
    rm = p.remit
    cause = o.cause
    who = (
        p.rendering_provider
        if p.rendering_provider and p.rendering_provider.identifier
        else (rm.payee if rm else None)
    )
    provider = None
    if who is not None and (who.name or who.identifier):
        provider = (
            f"{who.name} ({who.identifier})" if who.name and who.identifier else (who.name or who.identifier)
        )
    month = month_of(o)
    first_proc = next((sv.original_procedure or sv.procedure for sv in p.services), None)
    return (
        key,
        fh,
        p.claim_id,
        o.payer or None,
        rm.payer.identifier if rm else None,
        rm.payee.name if rm else None,
        provider,
        p.status,
        str(p.charge),
        str(p.paid),
        _s(p.patient_responsibility),
        _b(o.denied),
        _b(o.partially_denied),
        str(o.denied_amount),
        cause.category if cause else "",
        cause.group if cause else "",
        cause.carc if cause else "",
        _s(cause.rarc) if cause else "",
        _b(o.preventable),
        str(o.preventable_amount),
        " ".join(cause.preventable_by) if cause else "",
        _s(first_proc),
        _s(o.diagnoses[0] if o.diagnoses else None),
        _s(p.service_date),
        _s(rm.payment_date if rm else None),
        _s(month),
        _s(p.payer_claim_control),
        _s(p.filing_indicator),
        _b(p.is_reversal),
        " ".join(o.remarks),
        " ".join(sv.procedure for sv in p.services),
        " ".join(o.diagnoses),
        _s(p.patient.name),
        _s(p.patient.identifier),
        _s(rm.trace_number if rm else None),
    )
