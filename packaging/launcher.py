"""Entry script of the PyInstaller bundle: the same CLI as the installed `narration-studio`.

When the bundle is started for its start-up measurement (``NARRATION_STUDIO_REPORT_SHOWN=1``,
no subcommand), the launcher makes the QApplication itself and arms the start-up probe before
handing over to the CLI; ``studio.ui.app`` reuses that application, so the studio itself is
started exactly as a person would start it.
"""

import os
import sys

from studio.cli import main
from studio.offline.hearing_process import CHILD_FLAG, serve


def _arm_startup_probe() -> None:
    if os.environ.get("NARRATION_STUDIO_REPORT_SHOWN") != "1" or len(sys.argv) > 1:
        return
    from studio.ui.app import create_application
    from studio.ui.startup_probe import install_startup_probe

    install_startup_probe(create_application())


if __name__ == "__main__":
    if sys.argv[1:2] == [CHILD_FLAG]:  # the speech recogniser's own process (see hearing_process)
        serve()
        sys.exit(0)
    _arm_startup_probe()
    sys.exit(main())
