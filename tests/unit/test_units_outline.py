"""Outline's packed unit counter (credential_admin.backends.units) against the rules read literally: a unit is
complete when every block it counts is done; locked units are never complete; units with nothing to count leave
every denominator."""
from hypothesis import given
from hypothesis import strategies as st

from credential_admin.backends.units import Outline, Unit, section_progress

KEYS = [f"block-{n}" for n in range(24)]
SECTIONS = ["ch1", "ch2", "seq1", "seq2", "seq3"]


def literal_counts(units, done):
    """(complete, counted, locked, {section: [complete, counted]}) straight from DESIGN.md's definition."""
    counted = [unit for unit in units if unit.counted]
    complete = [unit for unit in counted if not unit.locked and unit.counted <= done]
    sections = {key: [sum(key in unit.sections for unit in complete), sum(key in unit.sections for unit in counted)]
                for key in SECTIONS if any(key in unit.sections for unit in counted)}
    return len(complete), len(counted), sum(unit.locked for unit in counted), sections


units_strategy = st.lists(st.builds(
    Unit, st.just("u"), st.frozensets(st.sampled_from(KEYS), max_size=12), st.booleans(),
    st.lists(st.sampled_from(SECTIONS), max_size=2, unique=True).map(tuple)), max_size=12)


@given(units_strategy, st.sets(st.sampled_from([*KEYS, "not-counted"])))
def test_the_packed_counter_counts_as_the_rules_say(units, done):
    """Units of any size (field widths across powers of two), keys shared by several units, locked units, keys
    that count nowhere; `done` as a set or as a list of distinct keys."""
    outline = Outline(units)
    for keys in (done, sorted(done)):
        counts = outline.count(keys)
        assert (counts.completed, counts.counted, counts.locked, counts.sections) == literal_counts(units, done)


def test_learners_with_the_same_complete_units_share_one_result():
    units = [Unit("u1", frozenset({"a", "b"}), sections=("ch1",)), Unit("u2", frozenset({"c"}), sections=("ch1",))]
    outline = Outline(units, {"ch1": "Module 1", "ch2": "Empty"})
    first, second = outline.learner(["a", "b"]), outline.learner(["b", "a", "not-counted"])
    assert first is second
    counts, sections = first
    assert (counts.completed, counts.counted) == (1, 2)
    assert sections == section_progress({"ch1": "Module 1", "ch2": "Empty"}, counts)
    assert outline.learner(["a", "c"])[0].completed == 1 and outline.learner([])[0].completed == 0
