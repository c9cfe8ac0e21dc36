"""Provider queries where the documentation and the diagnosis disagree. Codes are never upgraded on
inference: the coder reports what the provider documented and asks (AHIMA/ACDIS query practice,
OCG I.A.19 'the assignment of a diagnosis code is based on the provider's diagnostic statement')."""

from __future__ import annotations

from cleanclaim.coding.context import CodingContext

_STRUCTURAL = {
    "DISC_HERNIATION": ("disc herniation", ("M50",)),
    "DISC_DEGENERATION": ("disc degeneration", ("M50",)),
    "STENOSIS": ("stenosis", ("M48.0",)),
    "SPONDYLOSIS": ("spondylosis", ("M47",)),
    "FRACTURE": ("fracture", ("S12",)),
    "MYELOPATHY": ("myelopathy", ("M47.1", "M50.0", "G95")),
}
_RADIC_CODES = ("M54.1", "M50.1", "M47.2")


def decide(ctx: CodingContext) -> None:
    r = ctx.reading
    coded_radic = any(ctx.has(p) for p in _RADIC_CODES)
    signs = r.radicular_signs
    if signs and not coded_radic:
        found = "; ".join(dict.fromkeys(f.span.text for f in signs[:4]))
        ctx.query("radiculopathy", f"The exam documents objective radicular findings ({found}) but the "
                  "assessment does not name radiculopathy. Please clarify whether the patient has cervical "
                  "radiculopathy (and its cause, e.g. a disc disorder or spondylosis), or whether the neck "
                  "pain is nonradicular.")
    for m in ctx.uncertain:
        if m.concept == "RADICULOPATHY":
            ctx.query("radiculopathy", f"Radiculopathy is documented as uncertain ('{m.evidence.text}'). "
                      "In outpatient coding it cannot be reported until confirmed; please confirm or rule it "
                      "out.")
    if r.myelopathic_signs and not any(ctx.has(p) for p in ("M47.1", "M50.0", "G95")):
        found = "; ".join(dict.fromkeys(f.span.text for f in r.myelopathic_signs[:3]))
        ctx.query("myelopathy", f"The exam documents upper-motor-neuron signs ({found}) without a diagnosis "
                  "of myelopathy. Please clarify whether cervical myelopathy is present.")
    for concept, (label, prefixes) in _STRUCTURAL.items():
        seen = [m for m in r.imaging if m.concept == concept and not m.historical and not m.hypothetical]
        if seen and not any(ctx.has(p) for p in prefixes):
            levels = ", ".join(dict.fromkeys(lv for m in seen for lv in m.levels)) or "level not stated"
            ctx.query(label, f"Imaging reports {label} ({levels}) but the provider's assessment does not "
                      f"address it. Please document whether the {label} is clinically significant and the "
                      "cause of the symptoms; it is not coded from the imaging report alone.")
    if r.mechanism is not None and ctx.has("M54.2") and not any(c.code[:1] == "S" for c in ctx.codes):
        ctx.query("injury", f"Neck pain is documented after trauma ('{r.mechanism.text}') without an "
                  "injury diagnosis. Please document whether there is an injury (e.g. cervical sprain S13.4, "
                  "strain of neck muscles S16.1) or that the pain is not injury-related; coded as neck pain "
                  "(M54.2).")
    for m in ctx.uncertain:
        if m.concept != "RADICULOPATHY":
            topic = m.concept.lower().replace("_", " ")
            ctx.query(topic, f"'{m.evidence.text}' is documented as uncertain; outpatient coding reports the "
                      "symptoms until the diagnosis is confirmed (OCG IV.H). Please confirm or rule it out "
                      "when known.")
