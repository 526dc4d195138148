"""Entry script of the PyInstaller bundle: the same CLI as the installed `narration-studio`."""

import sys

from studio.cli import main

if __name__ == "__main__":
    sys.exit(main())
