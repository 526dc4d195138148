"""Read-along EPUB 3: the book's text with SMIL media overlays and its narration inside, so a
reading system highlights each sentence (or word) while the audio plays.

* :mod:`.timing` — chapters, sentences and words with their clips, from the export's timeline;
* :mod:`.package` — the XHTML, SMIL, nav and OPF text;
* :mod:`.epub` — the zip container (the chapter MP3s come from :mod:`studio.core.audiobook.encoder`);
* :mod:`.export` — the export run for a ``.epub`` destination (called by the exporter).
"""

from studio.core.readalong.export import check_readalong, export_readalong, is_readalong

__all__ = ["check_readalong", "export_readalong", "is_readalong"]
