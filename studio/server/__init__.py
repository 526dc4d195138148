"""An ElevenLabs-compatible HTTP server over the offline Piper voice (``narration-studio serve``).

It lets the studio's own HTTP client, and the official ``elevenlabs`` SDK, run end to end over
real loopback TCP against real synthesized speech, with no account and no network. The app is
built by :func:`studio.server.app.create_app`; each module here has one job:

- ``config``: the settings of one server (key, catalog, limits, fault injection on/off).
- ``routes_voices`` / ``routes_account`` / ``routes_tts`` / ``routes_history`` /
  ``routes_library`` / ``routes_faults``: the endpoints.
- ``history_store`` (+ ``history_audio``): every generation, bounded, with cursor paging;
  ``shared_library``: a handful of library voices, spoken by the offline voice.
- ``catalog``: voice metadata (the offline voices plus an optional catalog file) and a
  generator of realistic synthetic catalogs; ``voice_query``: /v2/voices search and paging.
- ``models_data``: the /v1/models list; ``usage``: the character accounting.
- ``schemas``: request validation (FastAPI's 422 body, exactly what ElevenLabs returns).
- ``errors``: the ``{"detail": {"status", "message"}}`` error bodies.
- ``synthesis`` + ``encoders``: engine chunks to pcm / wav / mp3 / μ-law / A-law bytes.
- ``faults``: scheduled failures for tests (off unless enabled).
"""
