"""Medical necessity: diagnoses and procedures checked against payer / LCD policies (scrub/data/policies)."""
