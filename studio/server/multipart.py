"""``multipart/form-data`` (and URL-encoded form) bodies, read with the standard library's MIME parser.

FastAPI's own ``Form``/``File`` parameters need the ``python-multipart`` package, which the
studio does not otherwise depend on; :mod:`email` reads the same format (RFC 7578 is MIME
multipart) byte for byte. The forced-alignment route and the dictionaries' add-from-file take uploads.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP

__all__ = ["FormPart", "parse_form"]


@dataclass(frozen=True)
class FormPart:
    name: str
    filename: str | None
    data: bytes


def parse_form(content_type: str, body: bytes) -> dict[str, FormPart]:
    """The named parts of a form body (the first of each name); empty if it is not a form.

    A form without files may come URL-encoded (httpx and browsers send it so): read that too,
    as FastAPI's forms do."""
    if content_type.lower().startswith("application/x-www-form-urlencoded"):
        from urllib.parse import parse_qsl

        fields: dict[str, FormPart] = {}
        for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
            fields.setdefault(name, FormPart(name, None, value.encode("utf-8")))
        return fields
    if not content_type.lower().startswith("multipart/form-data") or "boundary=" not in content_type:
        return {}
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        return {}
    parts: dict[str, FormPart] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or name in parts:
            continue
        data = part.get_payload(decode=True)
        parts[name] = FormPart(name, part.get_filename(), data if isinstance(data, bytes) else b"")
    return parts
