"""Scrub configuration: ``[tool.cleanclaim]`` in pyproject.toml or a ``cleanclaim.toml`` (ruff-style).

```toml
[tool.cleanclaim]                 # in cleanclaim.toml the same keys sit at the top level
select = ["ALL"]                  # upper case: rule ids (ICD005) or id prefixes (NCCI); lower case:
ignore = ["CLM004"]               #   categories (sex_conflict) or families (code_set, claim, ncci, ...)
sex-edits = true                  # diagnosis-vs-sex edits (CMS dropped them from the MCE in FY2025)

[tool.cleanclaim.payers.MB]       # a payer pack, keyed on payer id or claim filing indicator (SBR09)
policies = ["medicare"]           # policy ids, payer names from policies/*.yaml, or "ALL"
sex-edits = false
ignore = []
select = []                       # added to the global selection for this payer's claims
```
Without any file, the built-in pack for Medicare Part B (``MB``) applies the Medicare LCD policies
and turns sex edits off; other payers get every rule and no medical-necessity policies.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleanclaim.errors import InputError


@dataclass(slots=True)
class PayerPack:
    key: str
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    sex_edits: bool | None = None


def _default_packs() -> dict[str, PayerPack]:
    return {"MB": PayerPack("MB", policies=["medicare"], sex_edits=False)}


@dataclass(slots=True)
class ScrubConfig:
    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)
    sex_edits: bool = True
    payers: dict[str, PayerPack] = field(default_factory=_default_packs)
    source: str | None = None  # file the settings came from

    def pack_for(self, payer_id: str | None, filing_indicator: str | None) -> PayerPack | None:
        """Payer id wins over the claim filing indicator."""
        for key in (payer_id, filing_indicator):
            if key and key.upper() in self.payers:
                return self.payers[key.upper()]
        return None

    @classmethod
    def from_mapping(cls, data: dict[str, Any], source: str | None = None) -> ScrubConfig:
        cfg = cls(source=source)
        if "select" in data:
            cfg.select = _str_list(data["select"], "select", source)
        if "ignore" in data:
            cfg.ignore = _str_list(data["ignore"], "ignore", source)
        if "sex-edits" in data or "sex_edits" in data:
            cfg.sex_edits = bool(data.get("sex-edits", data.get("sex_edits")))
        for key, raw in (data.get("payers") or {}).items():
            if not isinstance(raw, dict):
                raise InputError(f"[payers.{key}] must be a table", file=source)
            sex = raw.get("sex-edits", raw.get("sex_edits"))
            cfg.payers[key.upper()] = PayerPack(
                key.upper(),
                _str_list(raw.get("select", []), f"payers.{key}.select", source),
                _str_list(raw.get("ignore", []), f"payers.{key}.ignore", source),
                _str_list(raw.get("policies", []), f"payers.{key}.policies", source),
                None if sex is None else bool(sex),
            )
        return cfg


def _str_list(value: Any, name: str, source: str | None) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{name} must be a list of strings", file=source)
    return [v.strip() for v in value if v.strip()]


def load_config(path: str | Path | None = None, start: str | Path | None = None) -> ScrubConfig:
    """Settings from ``path``, else the nearest cleanclaim.toml / pyproject.toml with [tool.cleanclaim]
    walking up from ``start`` (default: the working directory), else the defaults."""
    if path is not None:
        return _from_file(Path(path), explicit=True) or ScrubConfig(source=str(path))
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in ("cleanclaim.toml", "pyproject.toml"):
            cfg = _from_file(folder / name, explicit=False)
            if cfg is not None:
                return cfg
    return ScrubConfig()


def _from_file(path: Path, *, explicit: bool) -> ScrubConfig | None:
    if not path.is_file():
        if explicit:
            raise InputError("config file not found", file=str(path))
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid TOML: {exc}", file=str(path)) from None
    section = data.get("tool", {}).get("cleanclaim")
    if section is None and path.name == "cleanclaim.toml":
        section = data
    if section is None:
        return ScrubConfig(source=str(path)) if explicit else None
    return ScrubConfig.from_mapping(section, source=str(path))
