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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

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


def count_units(units: Sequence[Unit], done: Iterable[str] | set[str]) -> UnitCounts:
    """Count one learner's complete units; `done` holds the keys of the blocks they completed."""
    done = done if isinstance(done, set | frozenset) else set(done)
    completed = counted = locked = 0
    sections: dict[str, list[int]] = {}
    for unit in units:
        if not unit.counted:
            continue
        counted += 1
        complete = False
        if unit.locked:
            locked += 1
        elif unit.counted <= done:
            completed += 1
            complete = True
        for key in unit.sections:
            tally = sections.setdefault(key, [0, 0])
            tally[0] += complete
            tally[1] += 1
    return UnitCounts(completed, counted, locked, sections)


def section_progress(titles: Mapping[str, str], counts: UnitCounts) -> dict[str, SectionProgress]:
    """Every section and subsection (`titles`: usage key → title) with the learner's units in it; one without
    counted units has 0 of 0."""
    return {key: SectionProgress(title, *counts.sections.get(key, (0, 0))) for key, title in titles.items()}
