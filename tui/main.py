"""`alloy-tui` entry point: flags, then the app (embedded by default, remote with a URL)."""

from __future__ import annotations

import argparse
import gc


def make_app(api_url: str | None = None):
    """The app, its connection started first: the org, projects and first page of tickets
    load while Textual imports (most of a start-up), so the first frame can show them."""
    from alloy.tui.connect import Early

    early = Early(api_url=api_url)
    from alloy.tui.app import AlloyApp

    gc.freeze()  # what the imports made lives on: later collections need not scan it again
    return AlloyApp(api_url=api_url, early=early)


def run(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="alloy-tui", description="Alloy's vim-modal terminal UI. Embedded on the local "
        "database by default; remote with --api-url or ALLOY_BASE_URL.")
    parser.add_argument("--api-url", help="Alloy server URL (env ALLOY_BASE_URL or ALLOY_API_URL)")
    args = parser.parse_args(argv)
    make_app(args.api_url).run()


if __name__ == "__main__":
    run()
