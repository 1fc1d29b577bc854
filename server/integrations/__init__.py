"""Integrations with their own authentication (a static token or a signed payload).

Each module verifies the raw request in constant time and then calls the core in `alloy/`.
"""
