"""The saved form of a :class:`~studio.core.script.Script`: blocks with their takes, lock and choice.

Project files from version 2 on hold a ``"blocks"`` list of :class:`BlockRecord` beside the
plain ``"script"`` text (:mod:`studio.core.project`). Records are validated like the rest of a
project file: an unknown key is dropped, a wrong value names itself. A take keeps only cache
keys, never audio; a key must look like one (lowercase hex), so a hand-edited file can never
point the cache outside its folder.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from studio.core.script.document import Block, Script, Take, TakePart

__all__ = ["BlockRecord", "TakePartRecord", "TakeRecord", "records_from_script", "script_from_records"]

_KEY = r"^[0-9a-f]{8,128}$"


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class TakePartRecord(_Record):
    cache_key: str = Field(pattern=_KEY)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    request_id: str | None = None
    created_unix: float = 0.0
    character_cost: float | None = None


class TakeRecord(_Record):
    id: str = Field(min_length=1)
    text: str
    parts: list[TakePartRecord] = Field(default_factory=list)
    spoken_key: str = Field(pattern=_KEY)
    voice_id: str
    model_id: str
    engine_id: str
    output_format: str
    voice_settings: dict[str, Any] = Field(default_factory=dict)
    seed: int | None = None
    language_code: str | None = None
    variant: str | None = None
    created_unix: float = 0.0
    credit_cost: float = 0.0
    complete: bool = True

    @classmethod
    def of(cls, take: Take) -> TakeRecord:
        fields = {name: getattr(take, name) for name in cls.model_fields if name != "parts"}
        return cls(**fields, parts=[TakePartRecord(**asdict(p)) for p in take.parts])

    def to_take(self) -> Take:
        fields = {name: getattr(self, name) for name in type(self).model_fields if name != "parts"}
        return Take(**fields, parts=tuple(TakePart(**p.model_dump()) for p in self.parts))


class BlockRecord(_Record):
    id: str = Field(min_length=1)
    text: str
    locked: bool = False
    chosen_take_id: str | None = None
    takes: list[TakeRecord] = Field(default_factory=list)
    chapter: str | None = None
    speaker: str | None = None

    @classmethod
    def of(cls, block: Block) -> BlockRecord:
        return cls(id=block.id, text=block.text, locked=block.locked, chosen_take_id=block.chosen_take_id,
                   takes=[TakeRecord.of(t) for t in block.takes], chapter=block.chapter, speaker=block.speaker)

    def to_block(self) -> Block:
        takes = [t.to_take() for t in self.takes]
        # A choice naming a take the file does not hold is no choice.
        chosen = self.chosen_take_id if any(t.id == self.chosen_take_id for t in takes) else None
        return Block(text=self.text, id=self.id, locked=self.locked, chosen_take_id=chosen, takes=takes,
                     chapter=self.chapter, speaker=self.speaker)


def records_from_script(script: Script) -> list[BlockRecord]:
    return [BlockRecord.of(block) for block in script]


def script_from_records(records: list[BlockRecord]) -> Script:
    blocks: list[Block] = []
    seen: set[str] = set()
    for record in records:
        block = record.to_block()
        if block.id in seen:  # a duplicated block (hand-edited file): the copy gets its own id
            block = Block(text=block.text, locked=block.locked, chosen_take_id=block.chosen_take_id,
                          takes=block.takes, chapter=block.chapter, speaker=block.speaker)
        seen.add(block.id)
        blocks.append(block)
    return Script(blocks)
