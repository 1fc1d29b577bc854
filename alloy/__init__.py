"""Alloy service core: domain, rules, storage and the client interface the faces share.

Importing this package does no I/O and pulls in no web, CLI or TUI framework.
"""

__version__ = "0.1.0"
