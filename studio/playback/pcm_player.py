"""The player facade: a push-mode QAudioSink fed from a bounded buffer, with an audio clock.

After MusicBrainz Picard's player (DESIGN.md §6): one QObject owns the Qt audio objects
(QAudioSink, QMediaDevices) and re-emits what matters as typed signals with text fit for a
person. Everything runs on the GUI thread and nothing here waits:

* a :class:`~studio.playback.pcm_buffer.PcmBuffer` is the *take*: the stream worker appends
  to it, and it keeps all audio received for this session — the one copy — so any part
  already generated can be replayed or sought to, and a failed stream leaves what arrived
  playable;
* a QTimer (the feeder) writes the take to the sink's QIODevice as far as ``bytesFree()``
  allows and tells the take how far it got (``mark_played``): that is what lets the worker
  add more, so while paused the worker waits once the take's bound of unplayed audio is
  reached instead of filling memory;
* :meth:`played_seconds` is the audio clock: what has been *heard*
  (:class:`~studio.playback.heard_clock.HeardClock`). Qt's ``processedUSecs`` counts what the
  sound server has taken, which on PulseAudio is still 12–40 ms from the speaker (measured at
  the null sink's monitor: bench/player.py); the
  :class:`~studio.playback.pulse_latency.LatencyProbe` asks the sound server, off the GUI
  thread, how long this stream's audio still waits there;
* the sink is opened at the output's own rate and fed by
  :class:`~studio.playback.sink_feed.SinkFeed` (the sound server's resampling cost 12–15 ms
  more before the first sound).
"""

from __future__ import annotations

import enum
import logging
import threading
import time
import weakref
from collections.abc import Callable

from PySide6.QtCore import QIODevice, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSink, QMediaDevices, QtAudio

from studio.errors import StudioError
from studio.playback.pcm_buffer import BYTES_PER_FRAME, PcmBuffer
from studio.playback.heard_clock import HeardClock
from studio.playback.pulse_latency import LatencyProbe, PulseClient
from studio.playback.sink_feed import SinkFeed, warm_resampler

log = logging.getLogger(__name__)


class PlayerState(enum.Enum):
    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"


class NoAudioOutputError(StudioError):
    def __init__(self) -> None:
        super().__init__(
            "No sound output was found, so nothing can be played",
            "Connect speakers or headphones (or start the system sound service), then press Play again. "
            "Export still works without sound.",
        )


class AudioOutputError(StudioError):
    retryable = True

    def __init__(self, detail: str = "") -> None:
        cause = "The sound output stopped working" + (f" ({detail})" if detail else "")
        super().__init__(cause, "Check your speakers or headphones and press Play again.")


class AudioOutputRefusedError(StudioError):
    """A sound output exists but would not open for this audio (busy, or the format refused)."""

    retryable = True

    def __init__(self, device: str, sample_rate: int) -> None:
        super().__init__(
            f"The sound output “{device}” would not play this audio (16-bit mono, {sample_rate:,} Hz)",
            "Close other programs that may be using it, or choose another output in your system's "
            "sound settings, then press Play again. Export still works without sound.",
        )


def audio_output_available() -> bool:
    """Whether the system offers any audio output device."""
    return bool(QMediaDevices.audioOutputs())


class PcmPlayer(QObject):
    """Plays s16le mono PCM as it streams in; knows how much has been heard."""

    #: Seconds heard so far (the audio clock), emitted on every feeder tick while playing.
    position_changed = Signal(float)
    #: A PlayerState.
    state_changed = Signal(object)
    #: A StudioError for a person.
    error = Signal(object)
    #: Seconds of audio received so far (the time bar fills with it).
    received_changed = Signal(float)
    #: The input is complete and everything in it has been heard.
    finished = Signal()
    #: Emitted from the worker's thread when audio is pushed into the take (queued to feed_now):
    #: the sink is fed straight from the push, not after the worker has also parsed the
    #: chunk's timings and its event has crossed to the GUI thread.
    _arrived = Signal()

    FEED_INTERVAL_MS = 10
    #: Qt's own buffer between this player and the sound server (a ring buffer that Qt 6.10
    #: and later drain on the sound server's thread), so the sound goes on through a busy GUI thread.
    SINK_BUFFER_MS = 150
    #: The sound server's own buffer for this stream, in frames (Qt's "native period": on
    #: PulseAudio the stream's largest buffer, from which the server also sizes the device's).
    #: It decides how soon the first sample of a run is heard: measured at the null sink's
    #: monitor from the first write (bench/sink_sync.py's
    #: ``first_sound_over_first_write_ms_p50``), Qt's default (1024) and every size tried
    #: between 320 and 1024 that is not a power of two took 15 ms; 512 took 7-8 ms and 256
    #: 3-4 ms, but at 256 a continuous tone played with the CPUs busy came out 70 ms longer
    #: (the server ran dry) and the heard clock drifted 17 ms. 512 played it whole. None: Qt's default.
    NATIVE_PERIOD_FRAMES: int | None = 512
    #: Open the output at its own rate (see sink_feed): 11-13 ms sooner first sound on
    #: PulseAudio. On a machine loaded far beyond its cores (load 10 on 2) the bench heard
    #: somewhat more dropouts this way than at the take's rate: bench/player.py's
    #: ``sync_words_heard`` tells; False goes back to the take's rate.
    OUTPUT_AT_DEVICE_RATE = True
    #: Where the latency comes from (the sound server; tests put a stand-in here).
    latency_client_factory: Callable[[], PulseClient] = PulseClient

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._devices = QMediaDevices(self)
        self._devices.audioOutputsChanged.connect(self._on_outputs_changed)
        self._sink: QAudioSink | None = None
        self._io: QIODevice | None = None
        self._sample_rate = 24000
        self._sink_rate = 24000  # the output's own rate (sink_feed resamples to it)
        self._feed: SinkFeed | None = None
        self._take = PcmBuffer.of(b"")
        self._received = 0  # bytes of the take already announced with received_changed
        self._input_complete = True
        self._cursor = 0  # byte offset in the take of the next write
        self._base_s = 0.0  # take time at which the current sink run started
        self._written = 0  # bytes written since the current sink run started
        self._clock = HeardClock()
        #: The sound server's measure of this stream's latency (see pulse_latency).
        self._probe = LatencyProbe(self.latency_client_factory)
        # A player dropped without shutdown() still ends its probe's thread (never waited for).
        weakref.finalize(self, self._probe.stop, False)
        self._run = 0
        self._state = PlayerState.STOPPED
        self._volume = 1.0
        self._held_position = 0.0  # position shown while not playing
        #: time.monotonic() of the first byte handed to a sink for this session (benchmarks).
        self.first_write_at: float | None = None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(self.FEED_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self._arrived.connect(self.feed_now, Qt.ConnectionType.QueuedConnection)
        # numpy's first-call costs off the GUI thread, before the first Play needs them.
        threading.Thread(target=warm_resampler, name="warm-resampler", daemon=True).start()

    # -- session -------------------------------------------------------------------------

    def load(self, sample_rate: int, source: PcmBuffer | None = None, pcm: bytes = b"") -> None:
        """Start a new session: ``source`` is the take still streaming in, or else ``pcm`` is all there is."""
        self._close_sink()
        self._take.on_data = None  # the previous take no longer wakes this player
        self._sample_rate = sample_rate
        self._take = source if source is not None else PcmBuffer.of(pcm)
        self._take.on_data = self._wake
        self._received = self._take.size
        self._input_complete = source is None
        self._cursor = 0
        self._base_s = 0.0
        self._written = 0
        self._held_position = 0.0
        self.first_write_at = None
        self._set_state(PlayerState.STOPPED)
        self._timer.start()
        self.received_changed.emit(self.received_seconds())

    def end_input(self) -> None:
        """The stream ended (or failed): what was received is all there will be."""
        self._received = self._take.size
        self._input_complete = True
        self.received_changed.emit(self.received_seconds())

    @property
    def input_complete(self) -> bool:
        return self._input_complete

    @property
    def sample_rate(self) -> int:
        return self._sample_rate

    @property
    def output_rate(self) -> int:
        """The rate the sound output was last opened at (its own, where it takes 16-bit mono)."""
        return self._sink_rate

    @property
    def first_push_at(self) -> float | None:
        """time.monotonic() of the take's first audio (benchmarks, beside :attr:`first_write_at`)."""
        return self._take.first_push_at

    def track_bytes(self) -> bytes:
        """A copy of the take (for tests and export of what was heard; playback never copies it)."""
        return self._take.read()

    # -- transport -----------------------------------------------------------------------

    @Slot()
    def play(self, from_seconds: float | None = None) -> bool:
        """Play from ``from_seconds`` (default: where it stands). False (and ``error``) if no device."""
        start = self._held_position if from_seconds is None else from_seconds
        if self._state is PlayerState.PAUSED and from_seconds is None and self._sink is not None:
            # The sound stood still: what was measured before the pause no longer fits the clock.
            self._probe.samples.clear()
            self._sink.resume()
            self._set_state(PlayerState.PLAYING)
            return True
        if not self._open_sink(start):
            return False
        self._set_state(PlayerState.PLAYING)
        self._timer.start()
        self._tick()
        return True

    @Slot()
    def pause(self) -> None:
        if self._state is not PlayerState.PLAYING or self._sink is None:
            return
        self._held_position = self.played_seconds()
        self._sink.suspend()
        self._set_state(PlayerState.PAUSED)

    @Slot()
    def stop(self) -> None:
        """Stop and go back to the start; the received audio is kept."""
        self._close_sink()
        self._held_position = 0.0
        self._set_state(PlayerState.STOPPED)
        self.position_changed.emit(0.0)

    def halt(self) -> None:
        """Stop where it stands (after a failure), keeping the position."""
        if self._state is PlayerState.PLAYING:
            self._held_position = self.played_seconds()
        self._close_sink()
        self._set_state(PlayerState.STOPPED)
        self.position_changed.emit(self._held_position)

    def seek(self, seconds: float) -> None:
        """Jump to ``seconds`` within the audio received so far."""
        seconds = max(0.0, min(seconds, self.received_seconds()))
        if self._state is PlayerState.PLAYING:
            self.play(seconds)
        else:
            # Paused or stopped: the next play() opens the sink at the new place.
            self._close_sink()
            self._held_position = seconds
            self.position_changed.emit(seconds)

    def set_volume(self, volume: float) -> None:
        """Linear volume 0..1, kept across sink restarts."""
        self._volume = max(0.0, min(1.0, volume))
        if self._sink is not None:
            self._sink.setVolume(self._volume)

    @property
    def volume(self) -> float:
        return self._volume

    @property
    def state(self) -> PlayerState:
        return self._state

    def shutdown(self) -> None:
        self._take.on_data = None
        self._timer.stop()
        self._probe.stop()
        self._close_sink()
        self._set_state(PlayerState.STOPPED)

    # -- clock ---------------------------------------------------------------------------

    def received_seconds(self) -> float:
        return (self._take.size // BYTES_PER_FRAME) / self._sample_rate

    def played_seconds(self) -> float:
        """The audio clock: seconds of the track that have been heard (see heard_clock)."""
        sink = self._sink
        if self._state is not PlayerState.PLAYING or sink is None:
            return self._held_position
        # Whatever still sits in the sink's buffer has certainly not been heard yet.
        buffered = max(0, sink.bufferSize() - sink.bytesFree())
        taken = min(sink.processedUSecs() / 1_000_000,
                    max(0, self._written - buffered) / BYTES_PER_FRAME / self._sink_rate)
        answers = [(t, latency) for run, t, latency in list(self._probe.samples) if run == self._run]
        moving = sink.state() == QtAudio.State.ActiveState
        return self._base_s + self._clock.read(time.monotonic(), taken, moving, answers)

    # -- feeding -------------------------------------------------------------------------

    def _wake(self) -> None:
        """From the pushing thread: feed the sink as soon as the GUI thread is free."""
        try:
            self._arrived.emit()
        except RuntimeError:  # the player is gone (its C++ side deleted): nobody to feed
            pass

    @Slot()
    def feed_now(self) -> None:
        """Hand newly arrived audio to the sink at once (called when a chunk arrives)."""
        self._tick()

    def _tick(self) -> None:
        take = self._take
        size = take.size
        if size != self._received or (not self._input_complete and take.closed):
            self._received = size
            if take.closed:
                self._input_complete = True
            self.received_changed.emit(self.received_seconds())
        if self._state is not PlayerState.PLAYING or self._sink is None or self._io is None:
            if self._state is PlayerState.STOPPED and self._input_complete:
                self._timer.stop()
            return
        if self._sink_failed():
            return
        free = self._sink.bytesFree()
        free -= free % BYTES_PER_FRAME
        feed = self._feed
        # Twice: a run's first offer is short (SinkFeed.FIRST_MS, so it sounds sooner), and
        # the rest of the room is filled straight after it.
        for _ in range(2):
            if free <= 0 or feed is None:
                break
            data = feed.next_bytes(free, self._input_complete)
            if not data:
                break
            written = max(0, self._io.write(data))
            feed.unwritten(data[written:])
            if written > 0:
                if self.first_write_at is None:
                    self.first_write_at = time.monotonic()
                self._written += written
            if written < len(data):
                break
            free = self._sink.bytesFree()
            free -= free % BYTES_PER_FRAME
        if feed is not None:
            if feed.cursor != self._cursor:
                self._cursor = feed.cursor
                take.mark_played(self._cursor)  # room for the worker to add what comes next
        self.position_changed.emit(self.played_seconds())
        if (
            self._input_complete
            and feed is not None
            and feed.done(self._input_complete)
            and self._sink.state() == QtAudio.State.IdleState
        ):
            self._held_position = self.received_seconds()
            self._close_sink()
            self._set_state(PlayerState.STOPPED)
            self.position_changed.emit(self._held_position)
            self.finished.emit()

    # -- the sink ------------------------------------------------------------------------

    def _format(self, rate: int) -> QAudioFormat:
        fmt = QAudioFormat()
        fmt.setSampleRate(rate)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        return fmt

    def _open_sink(self, start_s: float) -> bool:
        self._close_sink()
        device: QAudioDevice = QMediaDevices.defaultAudioOutput()
        if not QMediaDevices.audioOutputs() or device.isNull():
            self._fail(NoAudioOutputError())
            return False
        rate = self._output_rate(device)
        fmt = self._format(rate)
        if not device.isFormatSupported(fmt):
            log.info("device %s reports 16-bit mono %d Hz unsupported; trying anyway", device.description(), rate)
        sink = QAudioSink(device, fmt, self)
        sink.setBufferSize(int(rate * BYTES_PER_FRAME * self.SINK_BUFFER_MS / 1000))
        if self.NATIVE_PERIOD_FRAMES:
            sink.setNativePeriodFrameCount(self.NATIVE_PERIOD_FRAMES)
        sink.setVolume(self._volume)
        io = sink.start()
        if io is None or sink.error() in (QtAudio.Error.OpenError, QtAudio.Error.FatalError):
            sink.deleteLater()
            # There is a device, so "no sound output" would send the person looking for one.
            self._fail(AudioOutputRefusedError(device.description(), self._sample_rate))
            return False
        # stateChanged is not connected: in PySide6 6.12 its QAudio::State argument cannot be
        # converted for a Python slot. The feeder polls error() every tick instead.
        self._sink = sink
        self._io = io
        frame = int(start_s * self._sample_rate)
        # The start may lie beyond what has arrived (▶ from a place on the time bar while the
        # take is made again): the sink waits for it, and the take does not count what comes
        # before it against its bound (else the worker would wait for room that never comes).
        self._cursor = frame * BYTES_PER_FRAME
        self._take.skip_to(self._cursor)
        self._sink_rate = rate
        self._feed = SinkFeed(self._take, self._sample_rate, rate, self._cursor)
        self._base_s = self._cursor / BYTES_PER_FRAME / self._sample_rate
        self._written = 0
        self._clock.start_run()
        self._held_position = self._base_s
        self._run = self._probe.start_run()
        return True

    def _output_rate(self, device: QAudioDevice) -> int:
        """The device's own rate when it takes 16-bit mono there (no resampling in the sound
        server: see sink_feed), else the take's. Only for a rate the device would take as it
        is: a take it refuses is reported as refused, not quietly converted."""
        preferred = device.preferredFormat().sampleRate()
        if (self.OUTPUT_AT_DEVICE_RATE and preferred > 0 and preferred != self._sample_rate and device.isFormatSupported(self._format(self._sample_rate))
                and device.isFormatSupported(self._format(preferred))):
            return preferred
        return self._sample_rate

    def _close_sink(self) -> None:
        sink, self._sink, self._io = self._sink, None, None
        if sink is not None:
            sink.stop()
            sink.deleteLater()

    def _sink_failed(self) -> bool:
        sink = self._sink
        if sink is None:
            return False
        if sink.error() in (QtAudio.Error.OpenError, QtAudio.Error.IOError, QtAudio.Error.FatalError):
            self._fail(AudioOutputError())
            return True
        return False

    def _on_outputs_changed(self) -> None:
        if self._state is PlayerState.PLAYING and not QMediaDevices.audioOutputs():
            self._fail(NoAudioOutputError())

    def _fail(self, error: StudioError) -> None:
        self.halt()
        self.error.emit(error)

    def _set_state(self, state: PlayerState) -> None:
        self._probe.set_active(state is PlayerState.PLAYING)
        if state is not self._state:
            self._state = state
            self.state_changed.emit(state)
