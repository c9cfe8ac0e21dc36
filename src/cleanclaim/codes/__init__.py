"""Code-set knowledge: ICD-10-CM by date of service, MCE attributes, search, reference tables."""

from cleanclaim.codes.icd10cm import (
    CodeLookup,
    CodeSet,
    ExcludesHit,
    MceAttributes,
    dotted,
    get_codeset,
    normalize_code,
)

__all__ = ["CodeLookup", "CodeSet", "ExcludesHit", "MceAttributes", "dotted", "get_codeset",
           "normalize_code"]
