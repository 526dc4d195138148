"""The ``narration-studio`` entry point: no arguments opens the studio; subcommands work headless."""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from types import ModuleType

from studio import __version__, commands
from studio.errors import StudioError


def _command_modules() -> list[ModuleType]:
    found = []
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            found.append(importlib.import_module(f"{commands.__name__}.{info.name}"))
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="narration-studio",
        description="Write, voice, hear and export narration. With no command, opens the studio.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="print debug logging to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _command_modules():
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        command.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                             help="print debug logging to stderr")
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


def configure_logging(verbose: bool) -> None:
    """Log to stderr through a secret-masking formatter; every record, for every handler
    added later too (uvicorn's, for ``serve``), is made safe where it is created."""
    from studio.logsafe import SecretFormatter, install_secret_redaction

    install_secret_redaction()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SecretFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # Like before: does nothing when logging is already set up (an embedding program, pytest).
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, handlers=[handler])


def _project_to_open(argv: list[str]) -> tuple[str | None, list[str]]:
    """``narration-studio story.narration`` (the desktop's "Open with") opens that project."""
    if argv and not argv[0].startswith("-") and argv[0].endswith(".narration"):
        return argv[0], argv[1:]
    return None, argv


def main(argv: list[str] | None = None) -> int:
    project, argv = _project_to_open(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if project is not None and getattr(args, "_run", None) is not None:
        print("narration-studio: a project file cannot be combined with a command.", file=sys.stderr)
        return 2
    configure_logging(getattr(args, "verbose", False))
    run = getattr(args, "_run", None)
    try:
        if run is None:
            from studio.ui.app import run_app

            return run_app(project)
        return int(run(args))
    except StudioError as error:
        print(f"narration-studio: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("narration-studio: stopped.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
