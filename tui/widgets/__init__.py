"""Widgets: they render and navigate, and tell the screen what happened with messages."""
