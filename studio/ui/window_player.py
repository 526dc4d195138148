"""The window's player: the transport bar in its slot, the player on the script editor, the
Space key while the script is heard, and the listen check that hears each new take.

Attached after the menus: PlaybackKeys must be installed after UndoSteps (built with the Edit
menu) so its filter sees Space first, and the listen check adds itself to the Paragraph menu.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from studio.ui.playback_keys import PlaybackKeys

if TYPE_CHECKING:
    from studio.ui.main_window import MainWindow


def attach_player(w: MainWindow) -> None:
    """Put the transport bar in its slot and connect the player to the script editor."""
    from studio.ui.player_controller import PlayerController
    from studio.ui.transport_bar import TransportBar

    w.transport = TransportBar()
    w.transport.setObjectName("transportBar")
    w.transport_slot.layout().addWidget(w.transport)
    w.player = PlayerController(w.script.editor, w.transport, w.pool, w.render_source.current,
                                w.document, w._cache, w)
    w.player.take_made.connect(w.document.add_take)  # takes made by Play join the document
    w.player.error.connect(lambda error: w.script.message.show_error(error, retry=w._play))
    w.player.status.connect(lambda text: w.status.showMessage(text, 4000) if text else None)
    # Installed after UndoSteps, so its filter sees Space first (filters run newest first).
    w.playback_keys = PlaybackKeys(w, w.script.editor, lambda: w.player.is_active, w._toggle_pause)


def attach_listen_check(w: MainWindow) -> None:
    """Hear each new take in the background and underline what differs from the script."""
    from studio.ui.listen_controller import ListenController
    from studio.ui.listen_marks import ListenMarks

    def remember(on: bool) -> None:
        w.preferences.listen_check = on
        w._prefs_timer.start()

    marks = ListenMarks(w.script.editor, w.document, w.takes.positions,
                        w.player.highlighter.set_other_selections)
    w.listen = ListenController(
        w.document, marks, w.pool, w._cache, player=lambda: w.player, enabled=w.preferences.listen_check,
        on_enabled_changed=remember, parent=w,
    )
    w.listen.add_to(w.takes.menu)
    w.player.take_made.connect(w.listen.on_take)  # after the document kept the take
    w.listen.status.connect(lambda text: w.status.showMessage(text, 6000))
