"""Endpoints with their own authentication (a shared-secret signature), not Bearer tokens."""
