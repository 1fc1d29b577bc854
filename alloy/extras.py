"""Optional parts of the install: the team server's PostgreSQL driver, the S3 client and
the ACME client for automatic TLS certificates, and jq for the CLI's `--jq`.

A lean install (`pip install alloy`) is the solo user's tool; `alloy[postgres]`, `alloy[s3]`,
`alloy[tls]` and `alloy[all]` add them. Asking for one that is not installed fails at start
with one line naming the extra, not with an ImportError deep in a request.
"""

from __future__ import annotations

from alloy.errors import NotConfigured

EXTRAS = {"postgres": ("psycopg", "psycopg_pool", "greenlet"), "s3": ("botocore",),
          "tls": ("acme", "josepy"), "jq": ("jq",)}
_WHAT = {"postgres": "a PostgreSQL database", "s3": "attachment storage on S3",
         "tls": "an automatic TLS certificate (--tls-domain)", "jq": "--jq"}


def require(extra: str) -> None:
    """Raise NotConfigured naming `extra` when one of its modules is not installed."""
    from importlib.util import find_spec

    if any(find_spec(module) is None for module in EXTRAS[extra]):
        raise NotConfigured(f"{_WHAT[extra]} needs the '{extra}' extra: "
                            f"pip install 'alloy[{extra}]'")
