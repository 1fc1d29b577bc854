"""`alloy-tui` entry point: flags, then the app (embedded by default, remote with a URL)."""

from __future__ import annotations

import argparse


def run(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="alloy-tui", description="Alloy's vim-modal terminal UI. Embedded on the local "
        "database by default; remote with --api-url or ALLOY_BASE_URL.")
    parser.add_argument("--api-url", help="Alloy server URL (env ALLOY_BASE_URL or ALLOY_API_URL)")
    args = parser.parse_args(argv)
    from alloy.tui.app import AlloyApp

    AlloyApp(api_url=args.api_url).run()


if __name__ == "__main__":
    run()
