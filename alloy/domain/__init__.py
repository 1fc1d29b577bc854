"""Entities (msgspec Structs), enums and value normalization shared by every service."""
