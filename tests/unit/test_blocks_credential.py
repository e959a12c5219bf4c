"""The Credential and Optional blocks on a bare XBlock test runtime: fields contract, Studio validation and
saving, the learner checklist's numbers and states, the staff CSV, OLX round trip. Learner data comes from a fake
backend so that every expected number is written out by hand here."""
from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from lxml import etree
from opaque_keys.edx.keys import UsageKey
from webob import Request
from xblock.completable import XBlockCompletionMode
from xblock.fields import Scope, ScopeIds
from xblock.reference.user_service import UserService, XBlockUser
from xblock.runtime import DictKeyValueStore, KvsFieldData
from xblock.test.tools import TestRuntime

from credential_xblock import checklist
from credential_xblock.credential import CredentialBlock
from credential_xblock.i18n import PassThroughTranslator
from credential_xblock.optional import OptionalBlock
from credential_xblock.records import EligibilityContext, Enrollment, LearnerRecord
from credential_xblock.rules import parse_criteria
from credential_xblock.settings_form import clean_settings

COURSE = "course-v1:Demo+CX101+2026"
USAGE = UsageKey.from_string("block-v1:Demo+CX101+2026+type@credential+block@achievement")
TYPES = ["Homework", "Final Exam"]
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


class FakeUsers(UserService):
    def __init__(self, user_id, staff=False):
        user = XBlockUser(is_current_user=True, full_name="Test")
        user.opt_attrs.update({"edx-platform.user_id": user_id, "edx-platform.is_authenticated": user_id is not None,
                               "edx-platform.user_is_staff": staff})
        super().__init__(user=user)

    def get_current_user(self):
        return self._user


class Runtime(TestRuntime):
    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
        return f"/handler/{handler_name}"


class FakeBackend:
    """Learner records as the standalone backend would return them; counts calls to check batching."""

    def __init__(self, records):
        self.by_id = {record.user_id: record for record in records}
        self.record_calls = []

    def assignment_types(self, course_key):
        assert course_key == COURSE
        return list(TYPES)

    def course_title(self, course_key):
        return "Demo"

    def records(self, course_key, user_ids):
        self.record_calls.append(list(user_ids))
        return [self.by_id[uid] for uid in user_ids if uid in self.by_id]

    def enrolled_user_ids(self, course_key):
        return iter(sorted(self.by_id))


def record(user_id, completed, counted, grade, final, mode="audit", active=True, name="Learner"):
    enrollment = Enrollment(mode, active) if mode else None
    return LearnerRecord(user_id, f"user{user_id}", name, completed, counted, grade,
                         {"Homework": 0.5, "Final Exam": final}, enrollment)


@pytest.fixture
def make_block(monkeypatch):
    def make(user_id=7, staff=False, records=(), credential=None, **fields):
        backend = FakeBackend(records)
        monkeypatch.setattr(CredentialBlock, "backend", staticmethod(lambda: backend))
        monkeypatch.setattr(CredentialBlock, "template_names", staticmethod(lambda: ["Gold", "Plain"]))
        runtime = Runtime(services={"field-data": KvsFieldData(DictKeyValueStore()),
                                    "user": FakeUsers(user_id, staff)})
        block = runtime.construct_xblock_from_class(CredentialBlock, ScopeIds(user_id, "credential", USAGE, USAGE))
        for name, value in fields.items():
            setattr(block, name, value)
        monkeypatch.setattr(block, "credential_state", lambda uid: credential)
        monkeypatch.setattr(block, "path_progress", lambda uid: [])  # paths read the database: tests/sqlite
        monkeypatch.setattr(block, "credential_summaries", lambda ids: {7: {
            "status": "issued", "issued_on": "2026-03-04", "short_code": "ABCD-EFGH-JKMN",
            "verify_url": "https://lms.example.org/credentials/verify/v7/"}} if 7 in ids else {})
        block.fake_backend = backend
        return block
    return make


def post_json(block, handler, payload):
    request = Request.blank("/", method="POST", body=json.dumps(payload).encode("utf-8"))
    response = block.runtime.handle(block, handler, request)
    return response.status_code, json.loads(response.body)


# ----- the fields contract -------------------------------------------------------------------------------------------

def test_fields_are_the_fixed_contract_all_in_settings_scope():
    names = ["display_name", "level", "min_completion", "min_grade", "min_type_grades", "template", "description",
             "allowed_modes", "available_from"]
    for name in names:
        assert CredentialBlock.fields[name].scope == Scope.settings, name
    assert CredentialBlock.fields["min_type_grades"].default == {}
    assert CredentialBlock.fields["allowed_modes"].default == []


def test_both_blocks_stay_out_of_completion_by_class_attribute():
    assert XBlockCompletionMode.get_mode(CredentialBlock) == XBlockCompletionMode.EXCLUDED
    assert XBlockCompletionMode.get_mode(OptionalBlock) == XBlockCompletionMode.EXCLUDED
    assert OptionalBlock.has_children


def test_olx_export_then_import_keeps_every_field(make_block):
    block = make_block(level="achievement", min_grade="80", min_type_grades={"Final Exam": "75"},
                       allowed_modes=["verified", "honor"], available_from="2026-09-01", template="gold",
                       description="Für alle — 全部", display_name="Achievement")
    node = etree.Element("credential")
    block.add_xml_to_node(node)
    olx = etree.tostring(node, encoding="unicode")
    runtime = Runtime(services={"field-data": KvsFieldData(DictKeyValueStore())})
    runtime.load_block_type = lambda block_type: CredentialBlock
    copy = runtime.get_block(runtime.parse_xml_string(olx))
    for name in CredentialBlock.editable_fields:
        assert getattr(copy, name) == getattr(block, name), name


# ----- Studio validation ---------------------------------------------------------------------------------------------

VALID = {"display_name": "Achievement", "level": "achievement", "min_completion": "", "min_grade": "80",
         "min_type_grades": [{"type": "Final Exam", "value": "75"}], "template": "", "description": "",
         "allowed_modes": "", "available_from": ""}


@pytest.mark.parametrize(("field", "value", "key", "expected"), [
    ("min_grade", "abc", "min_grade", '"abc" is not a number: enter a percentage from 0 to 100.'),
    ("min_grade", "-5", "min_grade", "-5 is out of range: enter a percentage from 0 to 100."),
    ("min_completion", "150", "min_completion", "150 is out of range: enter a percentage from 0 to 100."),
    ("min_type_grades", [{"type": "Quiz", "value": "50"}], "min_type_grades.Quiz",
     '"Quiz" is not an assignment type of this course\'s grading policy (known types: Final Exam, Homework).'),
    ("min_type_grades", [{"type": "Final Exam", "value": "x"}], "min_type_grades.Final Exam",
     '"x" is not a number: enter a percentage from 0 to 100.'),
    ("available_from", "next week", "available_from",
     '"next week" is not a date: use the form 2026-09-01 or 2026-09-01T09:00.'),
    ("allowed_modes", "verified, Not A Slug", "allowed_modes",
     '"Not A Slug" is not an enrollment mode slug (lower-case letters, digits, "-" and "_").'),
    ("allowed_modes", "verified, bogus", "allowed_modes",
     '"bogus" is not an enrollment mode (modes: audit, credit, executive-education, honor, masters, '
     'no-id-professional, paid-bootcamp, paid-executive-education, professional, unpaid-bootcamp, '
     'unpaid-executive-education, verified). Leave empty for every mode.'),
    ("min_grade", "1e2", "min_grade",
     'Write "1e2" as a plain number such as 75 or 87.5 (no exponent, no separators).'),
    ("min_completion", "9_0", "min_completion",
     'Write "9_0" as a plain number such as 75 or 87.5 (no exponent, no separators).'),
    ("min_type_grades", [{"type": "Final Exam", "value": "7.5E1"}], "min_type_grades.Final Exam",
     'Write "7.5E1" as a plain number such as 75 or 87.5 (no exponent, no separators).'),
    ("level", "gold", "level", 'Choose "completion", "achievement" or "badge".'),
    ("template", "gold", "template",
     'No certificate template is named "gold" (templates: Gold, Plain). Leave empty for the built-in one.'),
    ("display_name", "  ", "display_name", "This field is required."),
])
def test_each_bad_value_gets_its_own_message_and_nothing_is_saved(make_block, field, value, key, expected):
    block = make_block(staff=True, min_completion="90", display_name="Before")
    status, body = post_json(block, "studio_submit", {**VALID, field: value})
    assert status == 400
    assert body["errors"] == {key: expected}
    assert (block.display_name, block.min_completion, block.min_grade, block.min_type_grades) == (
        "Before", "90", "", {})


def test_no_rule_at_all_is_refused(make_block):
    block = make_block(staff=True, min_completion="90")
    status, body = post_json(block, "studio_submit", {**VALID, "min_grade": "", "min_type_grades": []})
    assert status == 400
    assert body["errors"] == {
        "criteria": "Set at least one rule: completion, overall grade or an assignment type grade."}
    assert block.min_completion == "90"


def test_not_json_is_a_400_not_a_500(make_block):
    block = make_block(staff=True)
    response = block.runtime.handle(block, "studio_submit", Request.blank("/", method="POST", body=b"\xff{"))
    assert response.status_code == 400
    assert block.min_grade == ""


@pytest.mark.parametrize("staff", [False, True])
def test_studio_submit_checks_course_staff_itself(make_block, staff):
    """Whichever runtime calls it, a non-staff user is refused with 403 and nothing is saved."""
    block = make_block(staff=staff, min_completion="90")
    status, body = post_json(block, "studio_submit", {**VALID, "min_completion": "1"})
    assert status == (200 if staff else 403)
    assert block.min_completion == ("1" if staff else "90")
    if not staff:
        assert body == {"result": "error", "error": "Course staff only."}


def test_deeply_nested_json_is_a_400(make_block):
    block = make_block(staff=True)
    body = b"[" * 100_000 + b"]" * 100_000
    response = block.runtime.handle(block, "studio_submit", Request.blank("/", method="POST", body=body))
    assert response.status_code == 400
    assert block.min_grade == ""


def test_valid_form_saves_every_field(make_block):
    block = make_block(staff=True)
    status, body = post_json(block, "studio_submit", {**VALID, "allowed_modes": "verified, honor, verified",
                                                      "template": "Gold",
                                                      "available_from": "2026-09-01", "min_completion": " 82.5 "})
    assert (status, body) == (200, {"result": "success"})
    assert block.level == "achievement"
    assert (block.min_completion, block.min_grade, block.min_type_grades) == ("82.5", "80", {"Final Exam": "75"})
    assert block.allowed_modes == ["verified", "honor"]
    assert block.available_from == "2026-09-01"
    assert block.template == "Gold"


def test_every_problem_is_reported_at_once(make_block):
    block = make_block(staff=True, min_completion="90")
    status, body = post_json(block, "studio_submit", {
        **VALID, "min_grade": "abc", "min_completion": "150", "min_type_grades": [{"type": "Quiz", "value": "50"}]})
    assert status == 400
    assert set(body["errors"]) == {"min_grade", "min_completion", "min_type_grades.Quiz"}


def test_type_listed_twice_is_refused():
    _, errors = clean_settings({**VALID, "min_type_grades": [{"type": "Homework", "value": "50"},
                                                              {"type": "Homework", "value": "60"}]}, lambda: TYPES)
    assert errors["min_type_grades.Homework"].render() == '"Homework" is listed twice.'


# ----- the learner checklist -----------------------------------------------------------------------------------------

def build(criteria, rec, context=None, credential=None, errors=()):
    inputs = checklist.Inputs(parse_criteria(criteria) if criteria else None, errors, rec,
                              context or EligibilityContext(), NOW, credential)
    return checklist.build(inputs, PassThroughTranslator())


def test_checklist_numbers_and_words_left():
    # 7 of 10 units = 70%; 90% needs ceil(0.9 * 10) = 9 units: 2 more. Grade 0.74 -> 74%, 80 needed: +6 points.
    # Final Exam 0.745 -> 75% (half-up), 75 needed: met.
    data = build({"min_completion": "90", "min_grade": "80", "min_type_grades": {"Final Exam": "75"}},
                 record(1, 7, 10, 0.74, 0.745))
    assert data["status"] == checklist.IN_PROGRESS
    completion, grade, final = data["rules"]
    assert (completion["current"], completion["required"], completion["met"], completion["left"]) == (
        70, "90", False, "2 more units")
    assert completion["value"] == "7 of 10 units complete: 70%"
    assert (grade["current"], grade["left"]) == (74, "+6 points on your overall grade")
    assert (final["current"], final["met"], final["left"]) == (75, True, "Done")
    assert final["label"] == "Score at least 75% on Final Exam"


def test_one_unit_and_one_point_are_singular():
    data = build({"min_completion": "90", "min_type_grades": {"Final Exam": "75"}}, record(1, 8, 10, 0.5, 0.74))
    assert [rule["left"] for rule in data["rules"]] == ["1 more unit", "+1 point on Final Exam"]


def test_eligible_issued_and_access_states():
    criteria = {"min_completion": "90"}
    assert build(criteria, record(1, 9, 10, 0, 0))["status"] == checklist.ELIGIBLE
    issued = SimpleNamespace(status="issued", verify_url="http://x/credentials/verify/abc/",
                             download_url="/credentials/download/abc/", issued_on=datetime(2026, 11, 1, 9, 0),
                             short_code="ABCD-EFGH")
    data = build(criteria, record(1, 9, 10, 0, 0), credential=issued)
    assert data["status"] == checklist.ISSUED
    assert data["credential"]["issued_on"] == "2026-11-01"
    assert data["credential"]["issued_on_text"] == "Nov. 1, 2026"  # as the certificate and verify page print it
    not_enrolled = build(criteria, record(1, 9, 10, 0, 0, mode=None))
    assert (not_enrolled["status"], not_enrolled["messages"]) == (
        checklist.NOT_ENROLLED, ["You are not enrolled in this course."])
    wrong_mode = build(criteria, record(1, 9, 10, 0, 0), EligibilityContext(frozenset({"verified"})))
    assert wrong_mode["messages"] == ['This credential is not offered in the "audit" track.']
    later = build(criteria, record(1, 9, 10, 0, 0), EligibilityContext(available_from=datetime(2027, 1, 1, tzinfo=UTC)))
    assert (later["status"], later["messages"]) == (
        checklist.NOT_AVAILABLE, ["This credential becomes available on Jan. 1, 2027."])


def test_configuration_error_detail_is_for_staff_only(make_block):
    rec = record(7, 9, 10, 0.9, 0.9)
    learner = make_block(records=[rec], min_completion="", min_grade="")
    data = learner.checklist_data(7, staff=False)
    assert (data["status"], data["config_errors"]) == (checklist.CONFIG_ERROR, [])
    staff = make_block(records=[rec], min_type_grades={"Quiz": "50"}, staff=True)
    assert staff.checklist_data(7, staff=True)["config_errors"] == [
        '"Quiz" is not an assignment type of this course\'s grading policy (known types: Final Exam, Homework).']


def test_student_view_markup_is_accessible(make_block):
    block = make_block(records=[record(7, 7, 10, 0.74, 0.745)], min_completion="90", min_grade="80")
    html = block.student_view({}).content
    assert 'role="progressbar"' in html and 'aria-valuenow="70"' in html and 'aria-valuemax="100"' in html
    assert 'aria-valuetext="70% of the 90% required"' in html
    assert "2 more units" in html and "+6 points on your overall grade" in html
    assert "Course staff" not in html


def test_progress_handler_returns_the_same_checklist(make_block):
    block = make_block(records=[record(7, 9, 10, 0.81, 0.5)], min_completion="90", min_grade="80")
    status, body = post_json(block, "progress", {})
    assert status == 200
    assert body["checklist"]["status"] == checklist.ELIGIBLE
    assert [rule["current"] for rule in body["checklist"]["rules"]] == [90, 81]
    assert 'data-action="claim"' in body["html"]


def test_staff_handlers_refuse_learners(make_block):
    block = make_block(records=[record(7, 9, 10, 0.81, 0.5)], min_completion="90")
    assert post_json(block, "staff_summary", {})[0] == 403
    response = block.runtime.handle(block, "export_csv", Request.blank("/"))
    assert response.status_code == 403


def test_staff_counts_and_csv_read_the_backend_in_batches(make_block, monkeypatch):
    from credential_admin import conf
    monkeypatch.setattr(conf, "get", lambda name: 2 if name == "BATCH_SIZE" else None)
    records = [record(5, 9, 10, 0.85, 0.8, name="=cmd()"), record(6, 3, 10, 0.2, 0.1),
               record(7, 10, 10, 0.9, 0.9, name="نور الهدى"), record(8, 10, 10, 0.9, 0.9, mode=None)]
    block = make_block(user_id=1, staff=True, records=records, min_completion="90", min_grade="80",
                       min_type_grades={"Final Exam": "75"})
    assert post_json(block, "staff_summary", {}) == (200, {"learners": 4, "eligible": 2, "issued": 1})
    assert block.fake_backend.record_calls == [[5, 6], [7, 8]]
    response = block.runtime.handle(block, "export_csv", Request.blank("/"))
    assert response.content_type == "text/csv"
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig"))))
    assert rows[0][-9:] == ["completion met", "grade met", "grade:Final Exam met", "eligible",
                            "not_eligible_because", "credential_status", "issued_on", "short_code", "verification_url"]
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id["5"][2] == "'=cmd()"  # formula neutralised
    assert by_id["5"][5:10] == ["9", "10", "90.0", "85.0", "80.0"]
    # 3 of 10 units, 20% overall, 10% on Final Exam: each unmet rule says why
    assert by_id["6"][-7:] == ["no", "no", "completion 30% < 90%; grade 20% < 80%; Final Exam 10% < 75%",
                               "", "", "", ""]
    assert by_id["7"][2] == "نور الهدى" and by_id["7"][-6:] == [
        "yes", "", "issued", "2026-03-04", "ABCD-EFGH-JKMN", "https://lms.example.org/credentials/verify/v7/"]
    assert by_id["8"][-6:] == ["no", "You are not enrolled in this course.", "", "", "", ""]


def test_threshold_text_keeps_decimals():
    assert checklist.threshold_text(Decimal("82.50")) == "82.5"
    assert checklist.threshold_text(Decimal("100")) == "100"


class Marking:
    """A stand-in i18n service that marks every string it translates, to see each go through it."""

    def gettext(self, message):
        return f"«{message}»"

    def ngettext(self, singular, plural, count):
        return f"«{singular if count == 1 else plural}»"


def test_checklist_strings_go_through_the_i18n_service():
    inputs = checklist.Inputs(parse_criteria({"min_completion": "90", "min_type_grades": {"Final Exam": "75"}}), (),
                              record(1, 7, 10, 0.5, 0.5), EligibilityContext(), NOW, None)
    data = checklist.build(inputs, Marking())
    assert data["headline"] == "«Not yet eligible: complete the steps below.»"
    assert [rule["left"] for rule in data["rules"]] == ["«2 more units»", "«+25 points on Final Exam»"]
    assert data["rules"][0]["label"] == "«Complete at least 90% of the course»"
    assert data["rules"][1]["value"] == "«Final Exam: 50%»"


def test_author_view_describes_the_rules_without_learner_data(make_block, monkeypatch):
    block = make_block(level="achievement", min_grade="80", min_type_grades={"Final Exam": "75", "Quiz": "50"})
    monkeypatch.setattr(block, "learner_record", lambda uid: pytest.fail("Studio has no learner data"))
    html = block.author_view({}).content
    assert "Reach an overall grade of at least 80%" in html and "Score at least 75% on Final Exam" in html
    assert "Quiz" in html and "is not an assignment type" in html  # shown as an error to fix
    validation = block.validate()
    assert [message.text for message in validation.messages] == [
        '"Quiz" is not an assignment type of this course\'s grading policy (known types: Final Exam, Homework).']


def test_a_learner_the_course_does_not_know_is_told_so(make_block):
    block = make_block(records=[], min_completion="90")  # the backend has no record of user 7
    data = block.checklist_data(7, staff=False)
    assert (data["status"], data["messages"], data["rules"]) == (
        checklist.NOT_ENROLLED, ["You are not enrolled in this course."], [])
    assert block.checklist_data(None, staff=False)["status"] == checklist.SIGNED_OUT


def test_a_bad_level_from_olx_is_a_configuration_error(make_block):
    block = make_block(records=[record(7, 9, 10, 0, 0)], min_completion="90", level="gold")
    assert block.checklist_data(7, staff=True)["config_errors"] == [
        'The level "gold" is neither "completion", "achievement" nor "badge".']
