"""Qt audio: the streaming PCM player with its audio clock, and voice previews."""

from studio.playback import pyside_workaround

# Every process that plays audio emits signals many times a second: see the module.
pyside_workaround.apply()
