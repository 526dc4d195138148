"""Audiobook tags, covers and chapter frames, written with mutagen into finished files.

* **MP4 / M4B** (iTunes atoms): ``©nam`` title (the chapter's, in a per-chapter file), ``©alb``
  book title, ``©ART``/``aART`` author, ``©wrt`` narrator (the composer field, where Apple
  Books, Audiobookshelf and most players look for the narrator) and a freeform
  ``NARRATOR``, ``©day`` year, ``desc``/``©cmt`` description, ``©gen`` "Audiobook", ``stik`` 2
  (audiobook), ``trkn`` track n/N, ``covr`` the cover. Chapter marks are PyAV's (see
  :mod:`.encoder`): mutagen cannot write MP4 chapters.
* **MP3**: ID3v2.4, every text frame UTF-8 (no 30-byte ID3v1 fields, no Latin-1): ``TIT2``,
  ``TALB``, ``TPE1``/``TPE2`` author, ``TCOM`` and ``TXXX:NARRATOR`` narrator, ``TDRC`` year,
  ``COMM`` description, ``TCON`` "Audiobook", ``TRCK`` n/N, ``APIC`` front cover, and the
  chapter list as ``CTOC`` (top level, ordered) with one ``CHAP`` per chapter (``TIT2`` inside).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from studio.core.audiobook.cover import Cover
from studio.core.audiobook.encoder import ChapterMark

__all__ = ["BookTags", "tag_mp3", "tag_mp4"]

GENRE = "Audiobook"
_NO_OFFSET = 0xFFFFFFFF  # CHAP: "byte offsets not given, use the times"


@dataclass(frozen=True)
class BookTags:
    title: str | None = None
    author: str | None = None
    narrator: str | None = None
    year: str | None = None
    description: str | None = None
    #: The cover as checked by :func:`studio.core.audiobook.cover.read_cover`.
    cover: Cover | None = None


def tag_mp4(path: Path, tags: BookTags, *, chapter_title: str | None = None,
            track: tuple[int, int] | None = None) -> None:
    from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm

    audio = MP4(str(path))
    if audio.tags is None:
        audio.add_tags()
    t = audio.tags
    assert t is not None
    title = chapter_title or tags.title
    if title:
        t["©nam"] = [title]
    if tags.title:
        t["©alb"] = [tags.title]
    if tags.author:
        t["©ART"] = [tags.author]
        t["aART"] = [tags.author]
    if tags.narrator:
        t["©wrt"] = [tags.narrator]
        t["----:com.apple.iTunes:NARRATOR"] = [MP4FreeForm(tags.narrator.encode("utf-8"))]
    if tags.year:
        t["©day"] = [tags.year]
    if tags.description:
        t["desc"] = [tags.description]
        t["©cmt"] = [tags.description]
    t["©gen"] = [GENRE]
    t["stik"] = [2]
    if track:
        t["trkn"] = [track]
    if tags.cover is not None:
        kind = MP4Cover.FORMAT_PNG if tags.cover.mime == "image/png" else MP4Cover.FORMAT_JPEG
        t["covr"] = [MP4Cover(tags.cover.data, imageformat=kind)]
    audio.save()


def tag_mp3(path: Path, tags: BookTags, chapters: Sequence[ChapterMark] = (), *, chapter_title: str | None = None,
            track: tuple[int, int] | None = None) -> None:
    from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TCOM, TCON, TDRC, TIT2, TPE1, TPE2, TRCK, TXXX, CTOCFlags, Encoding

    utf8 = Encoding.UTF8
    id3 = ID3()  # a fresh tag: replaces the encoder's own (FFmpeg writes one with its name)
    title = chapter_title or tags.title
    if title:
        id3.add(TIT2(encoding=utf8, text=[title]))
    if tags.title:
        id3.add(TALB(encoding=utf8, text=[tags.title]))
    if tags.author:
        id3.add(TPE1(encoding=utf8, text=[tags.author]))
        id3.add(TPE2(encoding=utf8, text=[tags.author]))
    if tags.narrator:
        id3.add(TCOM(encoding=utf8, text=[tags.narrator]))
        id3.add(TXXX(encoding=utf8, desc="NARRATOR", text=[tags.narrator]))
    if tags.year:
        id3.add(TDRC(encoding=utf8, text=[tags.year]))
    if tags.description:
        id3.add(COMM(encoding=utf8, lang="eng", desc="", text=[tags.description]))
    id3.add(TCON(encoding=utf8, text=[GENRE]))
    if track:
        id3.add(TRCK(encoding=utf8, text=[f"{track[0]}/{track[1]}"]))
    if tags.cover is not None:
        id3.add(APIC(encoding=utf8, mime=tags.cover.mime, type=3, desc="Cover", data=tags.cover.data))
    if chapters:
        ids = [f"chp{n}" for n in range(len(chapters))]
        id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                     sub_frames=[TIT2(encoding=utf8, text=[tags.title or "Chapters"])]))
        for element_id, chapter in zip(ids, chapters, strict=True):
            id3.add(CHAP(element_id=element_id, start_time=chapter.start_ms, end_time=chapter.end_ms,
                         start_offset=_NO_OFFSET, end_offset=_NO_OFFSET,
                         sub_frames=[TIT2(encoding=utf8, text=[chapter.title])]))
    id3.save(str(path), v2_version=4, v1=0)  # v1=0: drop any ID3v1 tag (Latin-1, 30 bytes a field)
