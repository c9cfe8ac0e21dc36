"""Scrub rules, one module per rule in a folder per family; ``registry.load_rules`` imports them all."""
