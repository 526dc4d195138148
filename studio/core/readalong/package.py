"""The EPUB 3 files of a read-along book as text: chapter XHTML, SMIL overlays, nav, OPF.

Pure functions of :class:`~studio.core.readalong.timing.ReadAlongChapter` (no I/O): the
writer (:mod:`studio.core.readalong.epub`) zips what these return with the chapter audio.

* One XHTML document per chapter; every sentence is ``<span id="s12">`` and every word in it
  ``<span id="s12w3">``, so either can be the target of an overlay's ``<text>``.
* One SMIL overlay per chapter (EPUB allows one per document). ``granularity="sentence"``:
  a ``<par>`` per sentence, which every reading system with media overlays highlights.
  ``"word"``: a ``<seq>`` per sentence holding a ``<par>`` per word (word by word where the
  reader supports it; readers that only go by ``<par>`` still step through the same text).
* The package metadata carries ``media:duration`` per overlay and in total (the total is the
  sum of the rounded parts, which EPUBCheck compares), ``media:narrator`` and
  ``media:active-class`` (styled in ``style.css``).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from studio.core.readalong.timing import Paragraph, ReadAlongChapter, Sentence

ACTIVE_CLASS = "-epub-media-overlay-active"
GRANULARITIES = ("sentence", "word")
STYLE = f"""\
body {{ font-family: serif; line-height: 1.5; margin: 1em; }}
h1 {{ font-size: 1.4em; margin: 1em 0; }}
.{ACTIVE_CLASS} {{ background-color: #ffe680; color: #000; }}
"""


@dataclass(frozen=True)
class BookInfo:
    title: str
    language: str
    identifier: str
    modified: str  # dcterms:modified, CCYY-MM-DDThh:mm:ssZ
    author: str | None = None
    narrator: str | None = None
    year: str | None = None
    description: str | None = None
    #: (image bytes, "image/jpeg" or "image/png"), checked by studio.core.audiobook.cover.
    cover: tuple[bytes, str] | None = None

    @property
    def cover_name(self) -> str:
        return "cover.png" if self.cover is not None and self.cover[1] == "image/png" else "cover.jpg"


def chapter_name(index: int) -> str:
    return f"chapter_{index + 1:03d}"


def clock(samples: int, rate: int) -> str:
    """A SMIL full clock value, h:mm:ss.fff (to the millisecond)."""
    ms = round(samples * 1000 / rate)
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def assign_ids(chapters: list[ReadAlongChapter]) -> None:
    """Number every sentence through the book: ``s1``, ``s2``… (stable for the same text)."""
    n = 0
    for chapter in chapters:
        for sentence in chapter.sentences:
            n += 1
            sentence.id = f"s{n}"


def chapter_label(chapter: ReadAlongChapter, index: int, book_title: str) -> str:
    """The title shown in the nav and the document's <title> (an untitled opening chapter has none)."""
    return chapter.title or (book_title if index == 0 else f"Part {index + 1}")


def _paragraph(paragraph: Paragraph) -> str:
    text, pieces, at = paragraph.text, [], 0
    for sentence in paragraph.sentences:
        pieces.append(escape(text[at:sentence.start]))
        pieces.append(_sentence(text, sentence))
        at = sentence.end
    pieces.append(escape(text[at:]))
    body = "".join(pieces).replace("\n", "<br/>")
    tag = "h1" if paragraph.heading else "p"
    return f"<{tag}>{body}</{tag}>"


def _sentence(text: str, sentence: Sentence) -> str:
    pieces, at = [], sentence.start
    for k, word in enumerate(sentence.words, 1):
        pieces.append(escape(text[at:word.start]))
        pieces.append(f'<span id="{sentence.id}w{k}">{escape(text[word.start:word.end])}</span>')
        at = word.end
    pieces.append(escape(text[at:sentence.end]))
    return f'<span id="{sentence.id}">{"".join(pieces)}</span>'


def _xhtml_head(title: str, language: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'xml:lang={quoteattr(language)} lang={quoteattr(language)}>\n'
        f'<head>\n<meta charset="utf-8"/>\n<title>{escape(title)}</title>\n'
        '<link rel="stylesheet" type="text/css" href="style.css"/>\n</head>\n'
    )


def chapter_xhtml(chapter: ReadAlongChapter, index: int, label: str, language: str) -> str:
    body = "\n".join(_paragraph(p) for p in chapter.paragraphs)
    return (f'{_xhtml_head(label, language)}<body>\n<section epub:type="chapter" id="{chapter_name(index)}">\n'
            f"{body}\n</section>\n</body>\n</html>\n")


def _clip(audio: str, clip: tuple[int, int], rate: int) -> str:
    return f'<audio src="{audio}" clipBegin="{clock(clip[0], rate)}" clipEnd="{clock(clip[1], rate)}"/>'


def chapter_smil(chapter: ReadAlongChapter, index: int, rate: int, granularity: str = "sentence") -> str:
    name = chapter_name(index)
    xhtml, audio = f"{name}.xhtml", f"audio/{name}.mp3"
    lines = []
    for sentence in chapter.timed_sentences:
        if granularity == "word" and sentence.words:
            lines.append(f'<seq id="q_{sentence.id}" epub:textref="{xhtml}#{sentence.id}">')
            for k, word in enumerate(sentence.words, 1):
                lines.append(f'<par id="p_{sentence.id}w{k}"><text src="{xhtml}#{sentence.id}w{k}"/>'
                             f"{_clip(audio, word.clip, rate)}</par>")
            lines.append("</seq>")
        else:
            lines.append(f'<par id="p_{sentence.id}"><text src="{xhtml}#{sentence.id}"/>'
                         f"{_clip(audio, sentence.clip, rate)}</par>")
    body = "\n".join(lines)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops" version="3.0">\n'
        f'<body>\n<seq id="seq_{name}" epub:textref="{xhtml}#{name}" epub:type="chapter">\n{body}\n</seq>\n</body>\n</smil>\n'
    )


def nav_xhtml(labels: list[str], info: BookInfo) -> str:
    items = "\n".join(f'<li><a href="{chapter_name(i)}.xhtml">{escape(label)}</a></li>' for i, label in enumerate(labels))
    return (f'{_xhtml_head(info.title, info.language)}<body>\n<nav epub:type="toc" id="toc">\n'
            f"<h1>{escape(info.title)}</h1>\n<ol>\n{items}\n</ol>\n</nav>\n</body>\n</html>\n")


def package_opf(chapters: list[ReadAlongChapter], info: BookInfo, rate: int) -> str:
    """The OPF: metadata, manifest (documents, overlays, audio) and spine."""
    voiced = [i for i, c in enumerate(chapters) if c.voiced]
    meta = [
        f'<dc:identifier id="bookid">{escape(info.identifier)}</dc:identifier>',
        f"<dc:title>{escape(info.title)}</dc:title>",
        f"<dc:language>{escape(info.language)}</dc:language>",
        f'<meta property="dcterms:modified">{info.modified}</meta>',
    ]
    if info.author:
        meta.append(f'<dc:creator id="author">{escape(info.author)}</dc:creator>')
    if info.narrator:
        meta.append(f'<meta property="media:narrator">{escape(info.narrator)}</meta>')
    if info.year:
        meta.append(f"<dc:date>{escape(info.year)}</dc:date>")
    if info.description:
        meta.append(f"<dc:description>{escape(info.description)}</dc:description>")
    total_ms = 0
    for i in voiced:
        ms = round(chapters[i].samples * 1000 / rate)
        total_ms += ms
        meta.append(f'<meta property="media:duration" refines="#smil_{i + 1:03d}">{clock(ms, 1000)}</meta>')
    meta.append(f'<meta property="media:duration">{clock(total_ms, 1000)}</meta>')
    meta.append(f'<meta property="media:active-class">{ACTIVE_CLASS}</meta>')
    items = ['<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
             '<item id="css" href="style.css" media-type="text/css"/>']
    if info.cover is not None:
        items.append(f'<item id="cover" href="{info.cover_name}" media-type="{info.cover[1]}" properties="cover-image"/>')
    spine = []
    for i in range(len(chapters)):
        name, n = chapter_name(i), f"{i + 1:03d}"
        overlay = f' media-overlay="smil_{n}"' if i in voiced else ""
        items.append(f'<item id="ch_{n}" href="{name}.xhtml" media-type="application/xhtml+xml"{overlay}/>')
        if i in voiced:
            items.append(f'<item id="smil_{n}" href="{name}.smil" media-type="application/smil+xml"/>')
            items.append(f'<item id="audio_{n}" href="audio/{name}.mp3" media-type="audio/mpeg"/>')
        spine.append(f'<itemref idref="ch_{n}"/>')
    nl = "\n"
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="bookid" '
        f"xml:lang={quoteattr(info.language)}>\n"
        f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n{nl.join(meta)}\n</metadata>\n'
        f"<manifest>\n{nl.join(items)}\n</manifest>\n<spine>\n{nl.join(spine)}\n</spine>\n</package>\n"
    )
