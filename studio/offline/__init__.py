"""Offline speech: Piper on local voices, timed to the character. Qt-free.

``voices`` finds voices, ``engine`` speaks (``get_engine(voice_id).stream(text)``),
``sentences`` splits text, ``espeak_events`` + ``alignment`` time every character,
``normalize`` writes out the spoken form, ``model`` loads and patches the ONNX model.
Importing this package loads nothing heavy.
"""
