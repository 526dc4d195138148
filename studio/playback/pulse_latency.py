"""How long until audio handed to the sound output is heard, as the sound server measures it.

Why: on PulseAudio (and PipeWire's PulseAudio service) ``QAudioSink.processedUSecs()`` counts
what the sound server has *taken* from the stream, not what has been *played*: the server
still holds that audio in the stream's render queue and the device's buffer (25–40 ms on a
null sink, more on real hardware). Measured at the sink's monitor, a highlight driven by
``processedUSecs`` alone ran that much early. Qt does not expose the stream's latency, but
the sound server reports it for every stream (``pa_context_get_sink_input_info``: the
render queue plus the device's latency, what ``pactl list sink-inputs`` shows as "Buffer
Latency" and "Sink Latency": the time from the server taking audio from the stream until it
is heard; measured, what the stream holds *before* the server takes it is not part of it).

:class:`LatencyProbe` asks for it from its own thread (never the GUI's), a few times a second
while playing, through libpulse (the library Qt's audio backend already loaded into this
process) with ctypes, for the newest playback stream of this process. Each answer becomes a
sample ``(run, t, latency)``: at time ``t`` the sound heard was ``latency`` seconds behind
what the server had taken. The player pairs that with what Qt says was taken at ``t``.

Where there is no PulseAudio (another platform, another Qt backend, libpulse missing or the
stream not found), the probe reports nothing and the player keeps its Qt clock.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

_PA_CHANNELS_MAX = 32
_PA_CONTEXT_READY, _PA_CONTEXT_FAILED, _PA_CONTEXT_TERMINATED = 4, 5, 6
_PA_OPERATION_RUNNING = 0


class _SampleSpec(ctypes.Structure):
    _fields_ = [("format", ctypes.c_int), ("rate", ctypes.c_uint32), ("channels", ctypes.c_uint8)]


class _ChannelMap(ctypes.Structure):
    _fields_ = [("channels", ctypes.c_uint8), ("map", ctypes.c_int * _PA_CHANNELS_MAX)]


class _CVolume(ctypes.Structure):
    _fields_ = [("channels", ctypes.c_uint8), ("values", ctypes.c_uint32 * _PA_CHANNELS_MAX)]


class _SinkInputInfo(ctypes.Structure):
    # The leading fields of pa_sink_input_info (stable since PulseAudio 0.9; only these are read).
    _fields_ = [
        ("index", ctypes.c_uint32), ("name", ctypes.c_char_p), ("owner_module", ctypes.c_uint32),
        ("client", ctypes.c_uint32), ("sink", ctypes.c_uint32), ("sample_spec", _SampleSpec),
        ("channel_map", _ChannelMap), ("volume", _CVolume), ("buffer_usec", ctypes.c_uint64),
        ("sink_usec", ctypes.c_uint64), ("resample_method", ctypes.c_char_p), ("driver", ctypes.c_char_p),
        ("mute", ctypes.c_int), ("proplist", ctypes.c_void_p), ("corked", ctypes.c_int),
    ]


_INFO_CB = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(_SinkInputInfo), ctypes.c_int, ctypes.c_void_p)


def _libpulse() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("pulse") or "libpulse.so.0"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.pa_mainloop_new.restype = ctypes.c_void_p
    lib.pa_mainloop_get_api.restype = ctypes.c_void_p
    lib.pa_mainloop_get_api.argtypes = [ctypes.c_void_p]
    lib.pa_mainloop_iterate.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    lib.pa_mainloop_free.argtypes = [ctypes.c_void_p]
    lib.pa_context_new.restype = ctypes.c_void_p
    lib.pa_context_new.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.pa_context_connect.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p]
    lib.pa_context_get_state.argtypes = [ctypes.c_void_p]
    lib.pa_context_disconnect.argtypes = [ctypes.c_void_p]
    lib.pa_context_unref.argtypes = [ctypes.c_void_p]
    lib.pa_context_get_sink_input_info_list.restype = ctypes.c_void_p
    lib.pa_context_get_sink_input_info_list.argtypes = [ctypes.c_void_p, _INFO_CB, ctypes.c_void_p]
    lib.pa_operation_get_state.argtypes = [ctypes.c_void_p]
    lib.pa_operation_unref.argtypes = [ctypes.c_void_p]
    lib.pa_proplist_gets.restype = ctypes.c_char_p
    lib.pa_proplist_gets.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    return lib


@dataclass(frozen=True)
class StreamLatency:
    """One answer: this process's newest playback stream, its server-side latency in seconds."""

    index: int
    latency_s: float


class PulseClient:
    """A libpulse connection used from one thread only. Raises OSError if there is none."""

    def __init__(self, timeout_s: float = 2.0) -> None:
        lib = _libpulse()
        if lib is None:
            raise OSError("libpulse is not available")
        self._lib = lib
        self._loop = lib.pa_mainloop_new()
        self._ctx = lib.pa_context_new(lib.pa_mainloop_get_api(self._loop), b"narration-studio latency")
        if not self._ctx or lib.pa_context_connect(self._ctx, None, 0, None) < 0:
            self.close()
            raise OSError("no PulseAudio server")
        deadline = time.monotonic() + timeout_s
        while True:
            state = lib.pa_context_get_state(self._ctx)
            if state == _PA_CONTEXT_READY:
                break
            if state in (_PA_CONTEXT_FAILED, _PA_CONTEXT_TERMINATED) or time.monotonic() > deadline:
                self.close()
                raise OSError("the PulseAudio server did not answer")
            lib.pa_mainloop_iterate(self._loop, 0, None)
            time.sleep(0.002)
        self._pid = str(os.getpid()).encode()

    def newest_stream(self) -> StreamLatency | None:
        """The latency of this process's newest playback stream (None if it has none)."""
        lib = self._lib
        found: list[StreamLatency] = []

        def on_info(_ctx: int, info: ctypes._Pointer[_SinkInputInfo], eol: int, _user: int) -> None:
            if eol or not info:
                return
            item = info.contents
            pid = lib.pa_proplist_gets(item.proplist, b"application.process.id") if item.proplist else None
            if pid == self._pid and not item.corked:
                found.append(StreamLatency(int(item.index), (item.buffer_usec + item.sink_usec) / 1e6))

        callback = _INFO_CB(on_info)  # kept alive until the operation is done
        op = lib.pa_context_get_sink_input_info_list(self._ctx, callback, None)
        if not op:
            raise OSError("the PulseAudio connection was lost")
        try:
            while lib.pa_operation_get_state(op) == _PA_OPERATION_RUNNING:
                if lib.pa_mainloop_iterate(self._loop, 1, None) < 0:
                    raise OSError("the PulseAudio connection was lost")
        finally:
            lib.pa_operation_unref(op)
        return max(found, key=lambda s: s.index) if found else None

    def close(self) -> None:
        lib = self._lib
        if getattr(self, "_ctx", None):
            lib.pa_context_disconnect(self._ctx)
            lib.pa_context_unref(self._ctx)
            self._ctx = None
        if getattr(self, "_loop", None):
            lib.pa_mainloop_free(self._loop)
            self._loop = None


class LatencyProbe:
    """Measures the stream's latency from a thread of its own while the player plays.

    ``samples`` (read by the player on the GUI thread) holds ``(generation, t, latency_s)``:
    at ``time.monotonic()`` ``t`` the sound heard was ``latency_s`` behind what the server had
    taken from the stream of sink run ``generation`` (a new one each time the player opens a sink).
    """

    INTERVAL_S = 0.04
    #: The first answers of a run come quicker: until then the clock has only Qt's measure.
    FIRST_INTERVAL_S = 0.01
    FIRST_ANSWERS = 10

    def __init__(self, client_factory: Callable[[], PulseClient] = PulseClient) -> None:
        self._client_factory = client_factory
        self.samples: deque[tuple[int, float, float]] = deque(maxlen=16)
        self._generation = 0
        self._active = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.available = True  # False once it is known there is nothing to ask

    def start_run(self) -> int:
        """A new sink run begins (nothing written yet): returns its generation."""
        self._generation += 1
        self.samples.clear()
        if self.available and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="audio-latency-probe", daemon=True)
            self._thread.start()
        return self._generation

    def set_active(self, active: bool) -> None:
        """Probe only while the sound is meant to be moving."""
        if active:
            self._active.set()
        else:
            self._active.clear()

    def stop(self, wait: bool = True) -> None:
        self._stop.set()
        self._active.set()
        thread, self._thread = self._thread, None
        if thread is not None and wait:
            thread.join(1.0)

    def _run(self) -> None:
        try:
            client = self._client_factory()
        except OSError as error:
            log.info("no audio latency from the sound server (%s): the player uses Qt's clock alone", error)
            self.available = False
            return
        misses = 0
        try:
            while not self._stop.is_set():
                self._active.wait()
                if self._stop.is_set():
                    break
                generation = self._generation
                asked = time.monotonic()
                stream = client.newest_stream()
                answered = time.monotonic()
                at = (asked + answered) / 2  # the server measured between the two
                if stream is None:
                    misses += 1
                    if misses > 50 and not self.samples:  # playing, and never a stream of ours: give up
                        log.info("this process's audio stream is not known to the sound server: Qt's clock alone")
                        self.available = False
                        return
                elif generation == self._generation:
                    misses = 0
                    self.samples.append((generation, at, stream.latency_s))
                early = sum(1 for run, _t, _l in list(self.samples) if run == generation) < self.FIRST_ANSWERS
                self._stop.wait(self.FIRST_INTERVAL_S if early else self.INTERVAL_S)
        except OSError as error:
            log.info("the audio latency probe stopped (%s)", error)
            self.available = False
        finally:
            client.close()
