"""REST API and browser workbench (`cleanclaim serve`).

The web layer holds no coding or scrubbing logic: every answer comes from the same engines the CLI
calls, through `engines.py`. This package adds persistence, API keys, an audit trail and pages.
"""
