"""The string checks every command runs: ids, ticket references, route parameters."""

from __future__ import annotations

import pytest

from alloy.domain.display import printable
from alloy.domain.values import is_project_key, is_uuid, ticket_key, ticket_number
from alloy.ops import path_params


@pytest.mark.parametrize(("text", "expected"), [
    ("01a246c1-c51f-7171-a7c1-b9edb4cccc24", True),
    ("01A246C1-C51F-7171-A7C1-B9EDB4CCCC24", True),
    ("01a246c1c51f-7171-a7c1-b9edb4cccc24-", False),
    ("01a246c1-c51f-7171-a7c1-b9edb4cccc2g", False),
    (" 01a246c1-c51f-7171-a7c1-b9edb4cccc24", False),
    ("01a246c1-c51f-7171-a7c1-b9edb4cccc245", False),
    ("", False),
])
def test_is_uuid(text, expected):
    assert is_uuid(text) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("42", 42), ("#42", 42), ("123456789", 123456789), ("1234567890", None), ("", None),
    ("#", None), ("##4", None), ("4a", None), ("-4", None), ("٤", None), ("²", None),
])
def test_ticket_number(text, expected):
    assert ticket_number(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("BACK-12", ("BACK", 12)), ("back_12", ("BACK", 12)), ("back 12", ("BACK", 12)),
    ("BACK#12", ("BACK", 12)), ("A1B2C3D4E5-1", ("A1B2C3D4E5", 1)),
    ("A1B2C3D4E5F-1", None), ("1BACK-2", None), ("BACK-", None), ("BACK--2", None),
    ("BACK-#2", None), ("BACK-2x", None), ("-2", None), ("BACK", None), ("BÄCK-2", None),
])
def test_ticket_key(text, expected):
    assert ticket_key(text) == expected


def test_project_key():
    assert is_project_key("W") and is_project_key("Web2")
    assert not is_project_key("2Web") and not is_project_key("") and not is_project_key("ABCDEFGHIJK")


def test_path_params():
    assert path_params("/api/v1/orgs/{org_id}/{entity_type}/{entity_id}/tags/{key}") == (
        "org_id", "entity_type", "entity_id", "key")
    assert path_params("/health") == () and path_params(None) == ()


@pytest.mark.parametrize(("text", "expected"), [
    ("plain", "plain"), ("a\tb\nc", "a\tb\nc"), ("\x1b[31mred", "\\x1b[31mred"),
    ("del\x7f", "del\\x7f"), ("c1\x9b", "c1\\x9b"), ("é ✓", "é ✓"),
])
def test_printable(text, expected):
    assert printable(text) == expected
