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
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat

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
    """A course's units prepared once to count many learners on them.

    Each open unit (not locked, something to count) gets a field of a packed counter, one int: each of its counted
    keys adds 1 to the field, and a bias sets the field's top bit exactly when all of them are there. A learner then
    costs one sum over their keys (a dict lookup and an addition each, in C: no set, no per-unit check) and one
    popcount per section; learners with the same complete units share one result.
    """

    def __init__(self, units: Sequence[Unit], titles: Mapping[str, str] | None = None) -> None:
        counted = [unit for unit in units if unit.counted]
        self.counted = len(counted)
        self.locked = sum(unit.locked for unit in counted)
        self.titles = dict(titles or {})
        self.totals = Counter(key for unit in counted for key in unit.sections)
        self.masks = dict.fromkeys(self.totals, 0)
        self.weights: dict[str, int] = {}
        self.bias = self.tops = offset = 0
        for unit in counted:
            if not unit.locked:
                offset = self._add_field(unit, offset)
        self._results: dict[int, tuple[UnitCounts, dict[str, SectionProgress]]] = {}

    def _add_field(self, unit: Unit, offset: int) -> int:
        """Give `unit` the field at `offset`, wide enough for its count plus the bias; return the next offset."""
        size = len(unit.counted)
        top = size.bit_length()  # the field's top bit: count + bias reaches it only when count == size
        for key in unit.counted:
            self.weights[key] = self.weights.get(key, 0) + (1 << offset)
        self.bias += ((1 << top) - size) << offset
        self.tops |= 1 << (offset + top)
        for key in unit.sections:
            self.masks[key] |= 1 << (offset + top)
        return offset + top + 1

    def count(self, done: Collection[str]) -> UnitCounts:
        """Count one learner's complete units; `done` holds the keys of the blocks they completed, each once (a
        set, or a table's rows unique per learner and block)."""
        return self.learner(done)[0]

    def learner(self, done: Collection[str]) -> tuple[UnitCounts, dict[str, SectionProgress]]:
        """`count(done)` and the learner's progress in every titled section (see `section_progress`); learners
        with the same complete units get the same objects, so treat them as read-only."""
        complete = sum(map(self.weights.get, done, repeat(0)), self.bias) & self.tops
        result = self._results.get(complete)
        if result is None:
            sections = {key: [(complete & mask).bit_count(), self.totals[key]] for key, mask in self.masks.items()}
            counts = UnitCounts(complete.bit_count(), self.counted, self.locked, sections)
            result = self._results[complete] = counts, section_progress(self.titles, counts)
        return result


def count_units(units: Sequence[Unit], done: Collection[str]) -> UnitCounts:
    """Count one learner's complete units; `done` holds the keys of the blocks they completed, each once."""
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
