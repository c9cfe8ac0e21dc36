"""Decision functions, one module per condition family. Each reads the CodingContext, adds codes,
rejections and queries, and cites the ICD-10-CM Official Guidelines (OCG) section it applies."""
