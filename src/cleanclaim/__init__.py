"""cleanclaim: offline code validation, claim scrubbing and denial analysis."""

__version__ = "0.1.0"
