"""Claim rules: pointers, NPIs, required fields, duplicate lines, totals, modifiers, procedure codes."""
