"""Section and subsection completion from both backends (the contract's sides: standalone, and Open edX over the
upstream-shaped fakes), then the section rule on those records just below and exactly at its threshold.

Completion fixture (tests/fixtures/courses/completion): Chapter 1 holds Lessons (mixed, all_optional,
with_credential, locked_unit), Gated (locked: gated_unit) and More lessons (plain). Counted units as for the course:
mixed, with_credential and locked_unit in Lessons (all_optional counts nothing), gated_unit, plain.
"""
from __future__ import annotations

from decimal import Decimal

from opaque_keys.edx.keys import CourseKey

from credential_xblock.records import SectionProgress
from credential_xblock.rules import Criteria, evaluate
from tests.backend_sides import keys


def test_each_section_counts_only_its_own_units(side, completion_course, make_learner,
                                                complete_blocks, block_key):
    course = side.load(completion_course)
    key = CourseKey.from_string(course.course_key)
    html = lambda *names: keys(block_key, course, "html", *names)  # noqa: E731
    ann, cat = (side.learner(make_learner, course, name) for name in ("ann", "cat"))
    if side.platform is not None:
        gated = {key.make_usage_key("vertical", name) for name in ("locked_unit", "gated_unit")}
        side.platform.gated.update({user.pk: gated for user in (ann, cat)})
    complete_blocks(ann, course, [*html("intro_html", "plain_html"), block_key(course, "problem", "mixed_problem")])
    complete_blocks(cat, course, [*html("intro_html", "plain_html", "plain2_html", "locked_html", "gated_html"),
                                  block_key(course, "problem", "mixed_problem")])
    records = {r.username: r for r in side.backend.records(course.course_key, [ann.pk, cat.pk])}
    chapter, lessons, gated_seq, more = (str(key.make_usage_key(kind, name)) for kind, name in (
        ("chapter", "ch1"), ("sequential", "seq1"), ("sequential", "seq_locked"), ("sequential", "seq2")))
    # ann: mixed and with_credential (both in Lessons) = 2 of Lessons' 3; nothing in Gated or More lessons.
    assert records["ann"].sections == {
        chapter: SectionProgress("Chapter 1", 2, 5), lessons: SectionProgress("Lessons", 2, 3),
        gated_seq: SectionProgress("Gated", 0, 1), more: SectionProgress("More lessons", 0, 1)}
    # cat: everything, but locked units never complete: Lessons 2 of 3 (locked_unit), Gated 0 of 1, plain 1 of 1.
    assert records["cat"].sections == {
        chapter: SectionProgress("Chapter 1", 3, 5), lessons: SectionProgress("Lessons", 2, 3),
        gated_seq: SectionProgress("Gated", 0, 1), more: SectionProgress("More lessons", 1, 1)}

    # 2 of 3 = 66.67% shows as 67: exactly at a 67% threshold it passes; at 68% it is just below, 1 more unit.
    at = evaluate(Criteria(min_section_completion={lessons: Decimal(67)}), records["cat"]).rules[0]
    below = evaluate(Criteria(min_section_completion={lessons: Decimal(68)}), records["cat"]).rules[0]
    assert (at.current, at.met, at.remaining) == (67, True, 0)
    assert (below.current, below.met, below.remaining, below.section_title) == (67, False, 1, "Lessons")
    # More lessons at 100%: cat has its one unit, ann none.
    rule = Criteria(min_section_completion={more: Decimal(100)})
    assert evaluate(rule, records["cat"]).eligible and not evaluate(rule, records["ann"]).eligible


def test_completing_a_section_issues_its_badge_automatically(demo_course, make_learner, complete_blocks, block_key,
                                                            isolated_issuing, settings, stored_bytes):
    """AUTO_ISSUE: a completion event evaluates the learner; a badge is issued like any credential, as its image.
    Week 1 of the demo fixture course: Introduction (intro, hw1_q1), Numbers (hw1_q2), Practice (hw2_q1)."""
    from django.core.cache import cache

    from credential_admin import tasks
    from credential_admin.badges.baking import extract
    from credential_admin.models import Credential, CredentialConfig

    settings.CREDENTIAL_XBLOCK_FEATURES = {"AUTO_ISSUE": True}
    cache.clear()
    week1 = str(CourseKey.from_string(demo_course.course_key).make_usage_key("chapter", "week1"))
    CredentialConfig.objects.create(
        course_key=demo_course.course_key, usage_key=f"{demo_course.course_key}-week1-badge", level="badge",
        display_name="Week 1", badge_name="Week 1 done", criteria={"min_section_completion": {week1: "100"}})
    alice = make_learner(demo_course, "alice")
    complete_blocks(alice, demo_course, [block_key(demo_course, "html", "intro"),
                                         *keys(block_key, demo_course, "problem", "hw1_q1", "hw1_q2")])
    assert tasks.auto_issue(alice.pk, demo_course.course_key, "completion") == 0  # 2 of 3 units
    complete_blocks(alice, demo_course, [block_key(demo_course, "problem", "hw2_q1")])
    assert tasks.auto_issue(alice.pk, demo_course.course_key, "completion") == 1  # 3 of 3
    badge = Credential.objects.get(user=alice, status=Credential.Status.ISSUED)
    assert badge.storage_key.endswith(".png") and '"Week 1 done"' in extract(stored_bytes(badge))
    cache.clear()
