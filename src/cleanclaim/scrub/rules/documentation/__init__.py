"""Claim-vs-note rules: run only with --notes; they call the note coder (cleanclaim.coding)."""
