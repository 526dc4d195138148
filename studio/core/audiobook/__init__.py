"""Audiobooks out: M4B and MP3 with chapters, tags and a cover; a folder or ZIP per chapter.

* :mod:`.encoder`: PCM chunks in → AAC/MP3 file out, streamed (PyAV), CBR, any output rate.
* :mod:`.tags`: tags, cover and chapter frames (mutagen): iTunes atoms, ID3v2.4 CHAP/CTOC.
* :mod:`.cover`: the cover checked (JPEG/PNG, decodable) before anything is requested.
* :mod:`.formats`: what the destination's suffix asks for.
* :mod:`.writer`: the all-or-nothing writers the exporter streams into, chapter by chapter.
"""

from studio.core.audiobook.cover import Cover, CoverError, read_cover
from studio.core.audiobook.encoder import ChapterMark, EncoderSettings, PcmEncoder, encode_pcm
from studio.core.audiobook.formats import AUDIO_SUFFIXES, book_kind, encoder_settings
from studio.core.audiobook.tags import BookTags, tag_mp3, tag_mp4
from studio.core.audiobook.writer import BookFileWriter, ChapterFolderWriter, check_book_destination

__all__ = ["AUDIO_SUFFIXES", "BookFileWriter", "BookTags", "ChapterFolderWriter", "ChapterMark", "Cover", "CoverError",
           "EncoderSettings", "PcmEncoder", "book_kind", "check_book_destination", "encode_pcm", "encoder_settings",
           "read_cover", "tag_mp3", "tag_mp4"]
