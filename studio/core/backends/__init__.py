"""The two implementations of :class:`studio.core.backend.SynthesisBackend`.

``elevenlabs.ElevenLabsBackend`` wraps the HTTP client; ``offline.OfflineBackend`` wraps
the Piper engine. Import the module you need: importing this package loads neither.
"""
