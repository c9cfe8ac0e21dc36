"""Long-term drug therapy status (Z79.-) for a coded condition whose guideline asks for it: diabetes on
insulin (Z79.4), oral hypoglycemics (Z79.84) or injectable non-insulin drugs (Z79.85), OCG I.C.4.a.3.
The drug must be documented as current: "stopped metformin" or "insulin held" does not count."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

from cleanclaim.coding.context import CodingContext
from cleanclaim.notes.model import Span

RANK = 95  # status codes follow the conditions they describe
# stopped for good; a dose held for a procedure or a low sugar is still long-term therapy
_STOPPED = re.compile(r"\b(stopped|discontinued|d/c'?d|off|no longer|intolerant|allerg\w*|"
                      r"declined|refused|instead of)\b[^.;\n]{0,40}$", re.I)
# insulin given only to control the sugar during this encounter is not long-term use (OCG I.C.4.a.3)
_TEMPORARY = re.compile(r"\b(sliding[- ]scale|drip|gtt|infusion|temporar\w*|while (?:admitted|inpatient|"
                        r"hospitali[sz]ed|on steroids|on prednisone))\b", re.I)


@cache
def _statuses() -> list[dict[str, Any]]:
    import yaml

    text = resources.files("cleanclaim.coding").joinpath("data", "long_term_drugs.yaml").read_text("utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loader
    for row in data["statuses"]:
        row["pattern"] = re.compile(r"\b(" + "|".join(map(re.escape, row["drugs"])) + r")\b", re.I)
    return data["statuses"]


def decide(ctx: CodingContext) -> None:
    text = ctx.reading.text
    for row in _statuses():
        owners = [c for c in ctx.codes if c.code[:3] in row["for_codes"]]
        if not owners:
            continue
        for m in row["pattern"].finditer(text):
            line_start = max(text.rfind("\n", 0, m.start()), text.rfind(".", 0, m.start())) + 1
            if _STOPPED.search(text[line_start:m.start()]):
                continue
            clause_end = min((i for i in (text.find("\n", m.end()), text.find(".", m.end())) if i >= 0),
                             default=len(text))
            if row["code"] == "Z79.4" and _TEMPORARY.search(text[line_start:clause_end]):
                continue
            owner = owners[0]
            ctx.add(row["code"], [], f"Current {m.group(1)} documented for {owner.code}: long-term drug "
                    "therapy status is reported with the condition (OCG I.C.4.a.3).",
                    "ICD-10-CM OCG I.C.4.a.3", rank=RANK, needs_review=owner.needs_review, confidence=0.8,
                    extra_evidence=[Span(m.start(), m.end(), m.group(0))])
            break
