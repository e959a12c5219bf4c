"""Completion on units, as DESIGN.md "Rules, precisely" defines it. No Django, no platform imports.

Both backends turn a course tree into `Unit`s (what counts in each unit) once per call, then count each learner's
complete units from the set of blocks they completed (completion == 1.0).

- A unit's counted blocks are its completable leaves found as edx-completion finds them (recurse into
  AGGREGATORs, drop EXCLUDED blocks and what is under them), minus the Credential block and everything inside an
  Optional block (recognised by block type, whatever the class says).
- A unit with nothing left to count leaves the denominator.
- A locked unit stays in the denominator and is never complete.
- A section's or subsection's completion counts only its own units, by the same rules (section completion rules).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from xblock.completable import XBlockCompletionMode

from credential_xblock.records import SectionProgress

CREDENTIAL_TYPE = "credential"
OPTIONAL_TYPE = "credential_optional"
NOT_COUNTED_TYPES = frozenset({CREDENTIAL_TYPE, OPTIONAL_TYPE})


@dataclass(frozen=True)
class Unit:
    """One unit (vertical): the block keys (strings) that count for its completion, whether it is locked, and the
    usage keys of the section and subsection it sits in."""

    id: str
    counted: frozenset[str]
    locked: bool = False
    sections: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitCounts:
    """A learner's completion: complete units, units in the denominator, how many of those are locked, and
    [complete, counted] units per section or subsection that has any counted unit."""

    completed: int
    counted: int
    locked: int
    sections: dict[str, list[int]] = field(default_factory=dict)


def children(block) -> list:
    """A block's children (blocks without children have none)."""
    return list(block.get_children()) if getattr(block, "has_children", False) else []


def counted_leaves(block) -> list:
    """The leaves under `block` that count for completion."""
    if block.scope_ids.block_type in NOT_COUNTED_TYPES:
        return []
    mode = XBlockCompletionMode.get_mode(block)
    if mode == XBlockCompletionMode.AGGREGATOR:
        return [leaf for child in children(block) for leaf in counted_leaves(child)]
    return [block] if mode == XBlockCompletionMode.COMPLETABLE else []


def unit_counted_keys(vertical) -> list[str]:
    """The keys of the blocks that count in this unit (the vertical itself is the aggregator, not a leaf)."""
    return [str(leaf.scope_ids.usage_id) for child in children(vertical) for leaf in counted_leaves(child)]


class Outline:
    """A course's units prepared once to count many learners on them: the open units (not locked, something to
    count) each get a bit, each section the mask of its open units, so that a learner costs one subset check per
    open unit and one popcount per section."""

    def __init__(self, units: Sequence[Unit]) -> None:
        counted = [unit for unit in units if unit.counted]
        self.counted = len(counted)
        self.locked = sum(unit.locked for unit in counted)
        open_units = [unit for unit in counted if not unit.locked]
        self.open = [(unit.counted, 1 << bit) for bit, unit in enumerate(open_units)]
        self.totals = Counter(key for unit in counted for key in unit.sections)
        self.masks = dict.fromkeys(self.totals, 0)
        for bit, unit in enumerate(open_units):
            for key in unit.sections:
                self.masks[key] |= 1 << bit

    def count(self, done: Iterable[str] | set[str]) -> UnitCounts:
        """Count one learner's complete units; `done` holds the keys of the blocks they completed."""
        done = done if isinstance(done, set | frozenset) else set(done)
        complete = sum(bit for keys, bit in self.open if keys <= done)
        sections = {key: [(complete & mask).bit_count(), self.totals[key]] for key, mask in self.masks.items()}
        return UnitCounts(complete.bit_count(), self.counted, self.locked, sections)


def count_units(units: Sequence[Unit], done: Iterable[str] | set[str]) -> UnitCounts:
    """Count one learner's complete units; `done` holds the keys of the blocks they completed."""
    return Outline(units).count(done)


def section_progress(titles: Mapping[str, str], counts: UnitCounts) -> dict[str, SectionProgress]:
    """Every section and subsection (`titles`: usage key → title) with the learner's units in it; one without
    counted units has 0 of 0."""
    sections = counts.sections
    return {key: _progress(title, *sections.get(key, (0, 0))) for key, title in titles.items()}


@lru_cache(maxsize=1 << 14)
def _progress(title: str, completed: int, counted: int) -> SectionProgress:
    """Shared instances (they are frozen): learners of a course repeat the same few counts per section."""
    return SectionProgress(title, completed, counted)
