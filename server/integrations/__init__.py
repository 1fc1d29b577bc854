"""Endpoints external services call with their own authentication (signatures, tokens)."""
