"""Completed blocks in bulk (credential_admin.backends.completion) and the standalone backend's names.

The database joins each learner's keys into one string; a list that comes back short (MySQL cuts GROUP_CONCAT at
group_concat_max_len) is caught by its count and read again row by row. SQLite never cuts, so the test makes the
join use another separator than the split: every learner with more than one key then looks cut.
"""
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credential_admin.backends import completion
from credential_admin.backends.standalone import StandaloneBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def learners(demo_course, make_learner, complete_blocks, block_key):
    """alice: three blocks complete and one half done; bob: one; carol: none."""
    alice, bob, carol = (make_learner(demo_course, name) for name in ("alice", "bob", "carol"))
    done = [block_key(demo_course, "html", "intro"), block_key(demo_course, "problem", "hw1_q1"),
            block_key(demo_course, "problem", "hw1_q2")]
    complete_blocks(alice, demo_course, done)
    complete_blocks(alice, demo_course, [block_key(demo_course, "problem", "hw2_q1")], completion=0.5)
    complete_blocks(bob, demo_course, done[:1])
    return {"alice": (alice.pk, set(done)), "bob": (bob.pk, set(done[:1])), "carol": (carol.pk, set())}


def expected(learners):
    return {pk: keys for pk, keys in learners.values() if keys}


def as_sets(done):
    """The lists as sets (they hold each key once, in no particular order)."""
    assert all(len(set(keys)) == len(keys) for keys in done.values())
    return {pk: set(keys) for pk, keys in done.items()}


def test_one_query_and_one_row_per_learner(demo_course, learners):
    with CaptureQueriesContext(connection) as queries:
        done = completion.completed_blocks(demo_course.course_key, [pk for pk, _ in learners.values()])
    assert as_sets(done) == expected(learners)
    assert len(queries) == 1 and "GROUP BY" in queries[0]["sql"]


def test_a_list_cut_short_is_read_again_row_by_row(demo_course, learners, monkeypatch):
    monkeypatch.setattr(completion.JoinedKeys, "template", "%(function)s(%(expressions)s, '|')")
    with CaptureQueriesContext(connection) as queries:
        done = completion.completed_blocks(demo_course.course_key, [pk for pk, _ in learners.values()])
    assert as_sets(done) == expected(learners)
    # the joined lists, then alice's rows (bob's single key cannot be cut); SQLite has no limit to raise
    assert len(queries) == 2
    assert queries[1]["sql"].endswith(f'"user_id" IN ({learners["alice"][0]}))')


def test_names_come_from_the_profile_else_the_first_and_last_name(demo_course, make_learner):
    users = get_user_model()
    named = make_learner(demo_course, "dana", name="Dana Q. Public")
    plain = users.objects.create_user(username="eve", first_name="Eve", last_name="Adams")
    bare = users.objects.create_user(username="fred")
    records = StandaloneBackend().records(demo_course.course_key, [bare.pk, plain.pk, named.pk])
    assert [(r.username, r.full_name) for r in records] == [
        ("dana", "Dana Q. Public"), ("eve", "Eve Adams"), ("fred", "")]


def test_no_learners_no_query(demo_course):
    with CaptureQueriesContext(connection) as queries:
        assert completion.completed_blocks(demo_course.course_key, []) == {}
    assert len(queries) == 0
