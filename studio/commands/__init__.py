"""Headless subcommands of ``narration-studio``.

Each module here is one subcommand and defines::

    NAME: str                      # the subcommand, e.g. "voices"
    HELP: str                      # one line for --help
    def add_arguments(parser: argparse.ArgumentParser) -> None
    def run(args: argparse.Namespace) -> int   # the exit code

``studio.cli`` finds them by listing this package, so a new subcommand is a new module.
Commands raise :class:`studio.errors.StudioError` for anything a person must act on; the
CLI prints it as one line and exits non-zero.
"""
