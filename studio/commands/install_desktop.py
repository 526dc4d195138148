"""``narration-studio install-desktop``: menu entry, icons and file type for this user."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "install-desktop"
HELP = "add Narration Studio to your desktop's app menu (icons, .narration file type)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--uninstall", action="store_true", help="remove what install-desktop added")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="install under this folder instead of $XDG_DATA_HOME (~/.local/share)")


def run(args: argparse.Namespace) -> int:
    from studio import desktop_integration

    if args.uninstall:
        report = desktop_integration.uninstall(args.data_dir)
        print(f"Removed {len(report.written)} files.")
    else:
        report = desktop_integration.install(args.data_dir)
        print(f"Installed {len(report.written)} files; Narration Studio is in your app menu.")
    for note in report.notes:
        print(f"note: {note}")
    return 0
