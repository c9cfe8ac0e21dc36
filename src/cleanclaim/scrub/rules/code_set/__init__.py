"""Code-set rules: validity, header codes, 7th characters, Excludes1, symptoms, sequencing, MCE edits."""
