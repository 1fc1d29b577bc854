"""The HTTP face: a Litestar app whose routes are derived from the operation declarations."""
