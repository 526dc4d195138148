"""ACX (Audible) retailer check and mastering preset: Qt-free.

:mod:`rules` holds ACX's limits (the one copy), :mod:`measure` the streaming level meter,
:mod:`check` the per-file report, :mod:`master` the preset's processing (PCM in → PCM out)
and :mod:`export` the preset's file writing.
"""
