"""NCCI procedure-to-procedure, add-on and Medically Unlikely Edits from the curated tables in scrub/data."""
