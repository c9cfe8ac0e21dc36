"""What the server keeps: API keys, coding runs and coders' decisions, scrub runs and findings,
remittance history and the append-only audit log.

The schema is created and changed only by the Alembic migrations in `migrations/versions`;
`tests/test_web_db.py` checks these models and the migrations agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")
Money = Numeric(14, 2)

ROLES = ("coder", "biller", "admin")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class ApiKey(Base):
    """A bearer key. Only its SHA-256 is stored; the key itself is shown once at creation."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    prefix: Mapped[str] = mapped_column(String(16))          # first characters, to recognise a key
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditEvent(Base):
    """Who did what, when, on which input (by hash). Database triggers forbid UPDATE and DELETE."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"), nullable=True)
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    object_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    input_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # ids and counts, never PHI

    __table_args__ = (Index("ix_audit_log_at", "at"),)


class CodingRun(Base):
    """One note coded: the engine's answer, kept so the coder can accept or override it."""

    __tablename__ = "coding_runs"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"), nullable=True)
    note_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    note_sha256: Mapped[str] = mapped_column(String(64))
    note_text: Mapped[str] = mapped_column(Text)   # needed to show evidence in context; never logged
    setting: Mapped[str] = mapped_column(String(16))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    decisions: Mapped[list[CodeDecision]] = relationship(back_populates="run", order_by="CodeDecision.id")


class CodeDecision(Base):
    """A coder's verdict on one suggested code: accept, or override with a reason."""

    __tablename__ = "code_decisions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("coding_runs.id"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    decision: Mapped[str] = mapped_column(String(16))          # "accept" | "override"
    replacement: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    run: Mapped[CodingRun] = relationship(back_populates="decisions")


class ScrubRun(Base):
    __tablename__ = "scrub_runs"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"), nullable=True)
    input_sha256: Mapped[str] = mapped_column(String(64))
    files: Mapped[list[Any]] = mapped_column(JSON)             # [{"file", "claims", "error"}]
    claim_count: Mapped[int] = mapped_column(Integer)
    clean: Mapped[int] = mapped_column(Integer)
    errors: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[int] = mapped_column(Integer)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)          # as the engine gave it
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # report fields beyond the contract
    claims: Mapped[list[ScrubClaim]] = relationship(back_populates="run", order_by="ScrubClaim.id")


class ScrubClaim(Base):
    __tablename__ = "scrub_claims"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scrub_runs.id"), index=True)
    claim_id: Mapped[str] = mapped_column(String(64))
    file: Mapped[str | None] = mapped_column(String(255), nullable=True)
    patient_control: Mapped[str | None] = mapped_column(String(64), nullable=True)
    total_charge: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # engine fields beyond the contract
    run: Mapped[ScrubRun] = relationship(back_populates="claims")
    findings: Mapped[list[ScrubFinding]] = relationship(back_populates="claim", order_by="ScrubFinding.id")


class ScrubFinding(Base):
    __tablename__ = "scrub_findings"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scrub_runs.id"), index=True)
    claim_row_id: Mapped[int] = mapped_column(ForeignKey("scrub_claims.id"), index=True)
    rule: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(48))
    severity: Mapped[str] = mapped_column(String(8))
    message: Mapped[str] = mapped_column(Text)
    codes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    line: Mapped[int | None] = mapped_column(Integer, nullable=True)
    fix: Mapped[str | None] = mapped_column(Text, nullable=True)
    reference: Mapped[str | None] = mapped_column(Text, nullable=True)
    claim: Mapped[ScrubClaim] = relationship(back_populates="findings")


class RemitRun(Base):
    """One 835 upload analysed: the summary as the engine gave it, claims below."""

    __tablename__ = "remit_runs"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"), nullable=True)
    input_sha256: Mapped[str] = mapped_column(String(64))
    files: Mapped[list[Any]] = mapped_column(JSON)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # root causes, suggested rules ...
    claims: Mapped[list[RemitClaim]] = relationship(back_populates="run", order_by="RemitClaim.id")


class RemitClaim(Base):
    """Remittance history: one adjudicated claim (CLP) with its adjustments."""

    __tablename__ = "remit_claims"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("remit_runs.id"), index=True)
    claim_id: Mapped[str] = mapped_column(String(64), index=True)
    payer: Mapped[str | None] = mapped_column(String(120), nullable=True)
    status: Mapped[str | None] = mapped_column(String(8), nullable=True)
    billed: Mapped[Decimal] = mapped_column(Money)
    paid: Mapped[Decimal] = mapped_column(Money)
    patient_responsibility: Mapped[Decimal] = mapped_column(Money)
    denied: Mapped[bool] = mapped_column(Boolean)
    adjustments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    remarks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    run: Mapped[RemitRun] = relationship(back_populates="claims")
