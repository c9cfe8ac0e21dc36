"""`python -m cleanclaim` runs the CLI."""

from cleanclaim.cli import main

main()
