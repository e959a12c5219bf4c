"""The demo course and its seeded learners: every learner's checklist numbers, through the real handler, equal
the hand computation written here.

Demo course (credential_admin/demo/course): 10 units count for completion (the credentials unit and the optional
section leave the denominator). Grading: Homework weight 0.6 (three subsections, min_count 3, two 1-point problems
each), Final Exam weight 0.4 (one subsection: problems worth 4, 3, 2, 1). The platform rounds the course percent
after a +0.05-point nudge; every value below is a whole percent already, so the nudge changes nothing.
Completion: 90% of 10 units -> ceil(9.0) = 9 units needed.
"""
from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from credential_admin.demo.seed import COURSE_KEY, LEARNERS

COMPLETION = "block-v1:Demo+CX101+2026+type@credential+block@completion_credential"
ACHIEVEMENT = "block-v1:Demo+CX101+2026+type@credential+block@achievement_credential"

# username: (completed units, completion %, units left), (overall %, points left), (Final Exam %, points left)
EXPECTED = {
    # viewed Welcome only: 1/10 = 10%; 9 - 1 = 8 units left; no score: 0% (+80), Final 0% (+75)
    "ana": ((1, 10, 8), (0, 80), (0, 75)),
    # 5 text units + 4 problem units = 9/10 = 90% (met). HW (2/2, 1/2, 1/2) = (1 + .5 + .5) / 3 = .6667;
    # Final (4 + 1) / 10 = .5; overall .6 * .6667 + .4 * .5 = .4 + .2 = 60% (+20); Final 50% (+25)
    "ben": ((9, 90, 0), (60, 20), (50, 25)),
    # 6 text + 4 problem units = 10/10 = 100%. HW (1 + 1 + .5) / 3 = .8333; Final (4 + 3 + 2) / 10 = .9;
    # overall .6 * .8333 + .4 * .9 = .5 + .36 = 86% (met); Final 90% (met)
    "chen": ((10, 100, 0), (86, 0), (90, 0)),
    # 4 text + 4 problem units = 8/10 = 80%: 1 unit left. HW 1.0; Final (4 + 3) / 10 = .7;
    # overall .6 + .28 = 88% (met); Final 70%: +5 points
    "dana": ((8, 80, 1), (88, 0), (70, 5)),
    # 3 text + 2 problem units = 5/10 = 50%: 4 units left. HW (1/2, 2/2, missing -> 0) = 1.5 / 3 = .5;
    # Final missing -> 0 (min_count 1); overall .6 * .5 = 30% (+50); Final 0% (+75)
    "nour": ((5, 50, 4), (30, 50), (0, 75)),
}
STATUS = {"ana": ("in_progress", "in_progress"), "ben": ("eligible", "in_progress"),
          "chen": ("eligible", "eligible"), "dana": ("in_progress", "in_progress"),
          "nour": ("in_progress", "in_progress")}


@pytest.fixture
def demo(db):
    call_command("demo_setup", stdout=io.StringIO())


def progress(client, username, usage):
    client.force_login(get_user_model().objects.get(username=username))
    url = f"/courses/{COURSE_KEY}/xblock/{usage}/handler/progress/"
    response = client.post(url, data="{}", content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["checklist"]


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_demo_learner_checklist_equals_the_hand_computation(demo, client, username):
    (done, completion, units_left), (grade, grade_left), (final, final_left) = EXPECTED[username]
    first = progress(client, username, COMPLETION)
    [rule] = first["rules"]
    assert rule["value"] == f"{done} of 10 units complete: {completion}%"
    assert (rule["current"], rule["remaining"]) == (completion, units_left)
    second = progress(client, username, ACHIEVEMENT)
    overall, exam = second["rules"]
    assert (overall["current"], overall["remaining"]) == (grade, grade_left)
    assert (exam["assignment_type"], exam["current"], exam["remaining"]) == ("Final Exam", final, final_left)
    assert (first["status"], second["status"]) == STATUS[username]


def test_demo_setup_is_idempotent_and_seeds_everyone(demo):
    users = get_user_model().objects
    before = {user.username: user.pk for user in users.all()}
    call_command("demo_setup", stdout=io.StringIO())
    assert {user.username: user.pk for user in users.all()} == before
    assert set(before) == {"admin", *(learner.username for learner in LEARNERS)}
    admin = users.get(username="admin")
    assert admin.is_superuser and admin.check_password("admin")


def test_staff_counts_and_csv_cover_every_demo_learner(demo, client):
    client.force_login(get_user_model().objects.get(username="staff"))
    base = f"/courses/{COURSE_KEY}/xblock/{ACHIEVEMENT}/handler/"
    counts = client.post(base + "staff_summary/", data="{}", content_type="application/json").json()
    # Enrolled: ana, ben, chen, dana, nour (staff is not enrolled); achievement-eligible: chen only.
    assert counts == {"learners": 5, "eligible": 1, "issued": 0}
    response = client.get(base + "export_csv/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = {row["username"]: row for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert set(rows) == set(EXPECTED)
    assert rows["chen"]["full_name"] == "陈静" and rows["nour"]["full_name"] == "نور الهدى"
    assert (rows["dana"]["grade_percent"], rows["dana"]["Final Exam percent"], rows["dana"]["eligible"]) == (
        "88.0", "70.0", "no")
    assert rows["chen"]["eligible"] == "yes"


def test_reset_restores_the_seeded_progress(demo, client):
    client.force_login(get_user_model().objects.get(username="dana"))
    problem = "block-v1:Demo+CX101+2026+type@problem+block@final_q3"
    answer = client.post(f"/courses/{COURSE_KEY}/xblock/{problem}/handler/submit/",
                         data='{"answer": "1"}', content_type="application/json")  # "revoked": right, +2 points
    assert answer.json()["earned"] == 2.0
    assert progress(client, "dana", ACHIEVEMENT)["rules"][1]["current"] == 90  # (4 + 3 + 2) / 10
    call_command("demo_setup", stdout=io.StringIO())  # a plain rerun keeps what learners did
    assert progress(client, "dana", ACHIEVEMENT)["rules"][1]["current"] == 90
    call_command("demo_setup", "--reset", stdout=io.StringIO())
    assert progress(client, "dana", ACHIEVEMENT)["rules"][1]["current"] == 70
