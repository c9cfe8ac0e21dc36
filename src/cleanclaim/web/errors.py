"""Structured API errors: `{"error": {"status", "code", "message", "field"?, "file"?, "segment_number"?,
"segment_id"?}}`. Messages name the field or the X12 segment at fault and never echo input text."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **where: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.where = {k: v for k, v in where.items() if v is not None}

    def body(self) -> dict[str, Any]:
        return {"error": {"status": self.status, "code": self.code, "message": self.message,
                          **self.where}}


class EngineUnavailable(ApiError):
    def __init__(self, engine: str) -> None:
        super().__init__(503, "engine_unavailable",
                         f"the {engine} engine is not available in this installation")


def from_input_error(exc: Exception) -> ApiError:
    """An engine's InputError (bad file) as a 422 that keeps file / segment."""
    return ApiError(422, "invalid_input", str(exc),
                    file=getattr(exc, "file", None),
                    segment_number=getattr(exc, "segment_number", None),
                    segment_id=getattr(exc, "segment_id", None))
