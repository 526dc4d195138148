"""The keyboard shortcuts, as Help ▸ Keyboard Shortcuts shows them (README.md has the same table)."""

SHORTCUTS_HELP = """\
Ctrl+Enter — play the script
Ctrl+Shift+Enter — play the selection
Ctrl+Alt+Enter — play from the cursor
Space — play / pause (when not typing in the script or a field)
Ctrl+. — stop

Ctrl+K or Ctrl+Shift+F — search voices
Ctrl+Shift+P — preview the chosen voice
Ctrl+D — mark the chosen voice as favourite

Ctrl+F — find in the script (F3 / Shift+F3: next / previous, Esc: close)
Ctrl+Z / Ctrl+Shift+Z — undo / redo
Ctrl++ / Ctrl+- / Ctrl+0 — zoom the script

Ctrl+N / Ctrl+O / Ctrl+S / Ctrl+Shift+S — new, open, save, save as
Ctrl+, — account and engine
"""
