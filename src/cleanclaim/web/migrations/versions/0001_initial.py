"""Initial schema: keys, audit log, coding runs and decisions, scrub runs, remittance history.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Money = sa.Numeric(14, 2)
TS = sa.DateTime(timezone=True)


def _run_columns() -> list[sa.Column]:
    return [
        sa.Column("id", BigId, primary_key=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("key_id", sa.Integer, sa.ForeignKey("api_keys.id"), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("key_id", sa.Integer, sa.ForeignKey("api_keys.id"), nullable=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("object_type", sa.String(40), nullable=True),
        sa.Column("object_id", sa.String(64), nullable=True),
        sa.Column("input_sha256", sa.String(64), nullable=True),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "coding_runs",
        *_run_columns(),
        sa.Column("note_id", sa.String(100), nullable=True),
        sa.Column("note_sha256", sa.String(64), nullable=False),
        sa.Column("note_text", sa.Text, nullable=False),
        sa.Column("setting", sa.String(16), nullable=False),
        sa.Column("result", sa.JSON, nullable=False),
    )
    op.create_table(
        "code_decisions",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("run_id", BigId, sa.ForeignKey("coding_runs.id"), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("replacement", sa.String(16), nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("key_id", sa.Integer, sa.ForeignKey("api_keys.id"), nullable=True),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_code_decisions_run_id", "code_decisions", ["run_id"])
    op.create_table(
        "scrub_runs",
        *_run_columns(),
        sa.Column("input_sha256", sa.String(64), nullable=False),
        sa.Column("files", sa.JSON, nullable=False),
        sa.Column("claim_count", sa.Integer, nullable=False),
        sa.Column("clean", sa.Integer, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
        sa.Column("extra", sa.JSON, nullable=False),
    )
    op.create_table(
        "scrub_claims",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("run_id", BigId, sa.ForeignKey("scrub_runs.id"), nullable=False),
        sa.Column("claim_id", sa.String(64), nullable=False),
        sa.Column("file", sa.String(255), nullable=True),
        sa.Column("patient_control", sa.String(64), nullable=True),
        sa.Column("total_charge", Money, nullable=True),
        sa.Column("extra", sa.JSON, nullable=False),
    )
    op.create_index("ix_scrub_claims_run_id", "scrub_claims", ["run_id"])
    op.create_table(
        "scrub_findings",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("run_id", BigId, sa.ForeignKey("scrub_runs.id"), nullable=False),
        sa.Column("claim_row_id", BigId, sa.ForeignKey("scrub_claims.id"), nullable=False),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("category", sa.String(48), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("codes", sa.JSON, nullable=False),
        sa.Column("line", sa.Integer, nullable=True),
        sa.Column("fix", sa.Text, nullable=True),
        sa.Column("reference", sa.Text, nullable=True),
    )
    op.create_index("ix_scrub_findings_run_id", "scrub_findings", ["run_id"])
    op.create_index("ix_scrub_findings_claim_row_id", "scrub_findings", ["claim_row_id"])
    op.create_table(
        "remit_runs",
        *_run_columns(),
        sa.Column("input_sha256", sa.String(64), nullable=False),
        sa.Column("files", sa.JSON, nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
        sa.Column("extra", sa.JSON, nullable=False),
    )
    op.create_table(
        "remit_claims",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("run_id", BigId, sa.ForeignKey("remit_runs.id"), nullable=False),
        sa.Column("claim_id", sa.String(64), nullable=False),
        sa.Column("payer", sa.String(120), nullable=True),
        sa.Column("status", sa.String(8), nullable=True),
        sa.Column("billed", Money, nullable=False),
        sa.Column("paid", Money, nullable=False),
        sa.Column("patient_responsibility", Money, nullable=False),
        sa.Column("denied", sa.Boolean, nullable=False),
        sa.Column("adjustments", sa.JSON, nullable=False),
        sa.Column("remarks", sa.JSON, nullable=False),
        sa.Column("extra", sa.JSON, nullable=False),
    )
    op.create_index("ix_remit_claims_run_id", "remit_claims", ["run_id"])
    op.create_index("ix_remit_claims_claim_id", "remit_claims", ["claim_id"])
    _append_only_audit()


def _append_only_audit() -> None:
    """The audit log accepts INSERT only, enforced by the database itself."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION cleanclaim_audit_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'audit_log is append-only'; END
            $$ LANGUAGE plpgsql""")
        op.execute("""
            CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION cleanclaim_audit_append_only()""")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log
                BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS cleanclaim_audit_append_only()")
    for table in ("remit_claims", "remit_runs", "scrub_findings", "scrub_claims", "scrub_runs",
                  "code_decisions", "coding_runs", "audit_log", "api_keys"):
        op.drop_table(table)
