"""The saved form of a :class:`~studio.core.script.Script`: blocks with their takes, lock and choice.

Project files from version 2 on hold a ``"blocks"`` list beside the plain ``"script"`` text
(:mod:`studio.core.project`): each block as JSON, exactly the fields of
:class:`~studio.core.script.Block` / :class:`~studio.core.script.Take` /
:class:`~studio.core.script.TakePart` (read and written by pydantic from the dataclasses
themselves, so there is no second list of fields to keep in step). Reading is as forgiving
as the rest of a project file: an unknown key is dropped, a wrong value names itself
(:class:`ValueError`). A take keeps only cache keys, never audio, and a key must look like
one (lowercase hex), so a hand-edited file can never point the cache outside its folder.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import TypeAdapter, ValidationError

from studio.core.script.document import Block, Script, new_id

__all__ = ["blocks_to_json", "script_from_json"]

_KEY = re.compile(r"[0-9a-f]{8,128}")
_BLOCKS: TypeAdapter[list[Block]] = TypeAdapter(list[Block])


def blocks_to_json(script: Script) -> list[dict[str, Any]]:
    """The blocks of ``script`` as JSON-ready dicts (unset values left out)."""
    return _BLOCKS.dump_python(script.blocks, mode="json", exclude_none=True)


def script_from_json(data: Any) -> Script:
    """A fresh Script from saved blocks. Raises ValueError naming what is wrong."""
    try:
        blocks = _BLOCKS.validate_python(data)
    except ValidationError as error:
        where = "; ".join(".".join(str(p) for p in e["loc"]) + f": {e['msg']}" for e in error.errors()[:3])
        raise ValueError(f"unusable block data ({where})") from None
    seen: set[str] = set()
    for block in blocks:
        for take in block.takes:
            for key in (take.spoken_key, *take.cache_keys):
                if not _KEY.fullmatch(key):
                    raise ValueError(f"take {take.id!r} names a cache entry that cannot exist ({key!r})")
        if block.chosen_take is None:
            block.chosen_take_id = None  # a choice naming a take the file does not hold is no choice
        if block.id in seen:
            block.id = new_id()  # a duplicated block (a hand-edited file): the copy gets its own id
        seen.add(block.id)
    return Script(blocks)
