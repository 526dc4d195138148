"""Qt widgets and their controllers: the only place widgets live."""

# Importing studio.playback applies the PySide6 6.12 emit() reference fix
# (studio/playback/pyside_workaround.py) before any widget emits a signal.
import studio.playback  # noqa: F401
