"""Narration Studio: write, voice, hear and export narration."""

__version__ = "0.1.0"
