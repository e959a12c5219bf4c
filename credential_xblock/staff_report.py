"""The course-staff report: every enrolled learner's values, rules and eligibility, read in batches.

Pure Python over the backend protocol (`records.LearnerDataBackend`): the block feeds it and serves the counts
as JSON and the rows as CSV, streamed, so a large course never sits in memory at once.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from credential_xblock.i18n import render_message
from credential_xblock.records import EligibilityContext, LearnerDataBackend, LearnerRecord
from credential_xblock.rules import (
    COMPLETION,
    GRADE,
    SECTION_COMPLETION,
    Criteria,
    Evaluation,
    Message,
    access_problems,
    evaluate,
    unmet_reason,
)

ISSUED = "issued"
CREDENTIAL_COLUMNS = ("credential_status", "issued_on", "short_code", "verification_url")


@dataclass(frozen=True)
class Row:
    """One learner in the report."""

    record: LearnerRecord
    evaluation: Evaluation
    access: tuple[Message, ...]
    credential: Mapping[str, str]  # the learner's current credential: status, issued_on, short_code, verify_url

    @property
    def eligible(self) -> bool:
        return self.evaluation.eligible and not self.access

    @property
    def credential_status(self) -> str:
        return self.credential.get("status", "")


def rows(
    backend: LearnerDataBackend,
    course_key: str,
    criteria: Criteria,
    context: EligibilityContext,
    now: datetime,
    credentials: Callable[[list[int]], dict[int, Mapping[str, str]]],
    batch_size: int,
) -> Iterator[Row]:
    """Evaluate every enrolled learner, one backend call per batch of `batch_size` learners; `credentials` gives
    the current credential of each learner of a batch who has one."""
    user_ids = iter(backend.enrolled_user_ids(course_key))
    while batch := list(islice(user_ids, batch_size)):
        records = backend.records(course_key, batch)
        held = credentials([record.user_id for record in records])
        for record in records:
            problems = tuple(access_problems(record, context, now))
            yield Row(record, evaluate(criteria, record), problems, held.get(record.user_id, {}))


def summarize(report: Iterable[Row]) -> dict[str, int]:
    """How many learners are enrolled (active), eligible now and hold an issued credential."""
    counts = {"learners": 0, "eligible": 0, "issued": 0}
    for row in report:
        counts["learners"] += 1
        counts["eligible"] += row.eligible
        counts["issued"] += row.credential_status == ISSUED
    return counts


def _rule_column(rule) -> str:
    if rule.kind == COMPLETION:
        return "completion"
    if rule.kind == SECTION_COMPLETION:
        return f"section:{rule.section}"
    return "grade" if rule.kind == GRADE else f"grade:{rule.assignment_type}"


def _safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text cells (names are typed by learners)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_chunks(report: Iterable[Row], criteria: Criteria, translator: Any) -> Iterator[bytes]:
    """The report as UTF-8 CSV (with a byte-order mark for spreadsheet apps), one chunk per learner."""
    type_names = list(criteria.min_type_grades)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = ["user_id", "username", "full_name", "enrollment_mode", "enrollment_active", "completed_units",
              "counted_units", "completion_percent", "grade_percent", *[f"{name} percent" for name in type_names]]
    rule_columns: list[str] | None = None

    def flush() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode("utf-8")

    yield "\ufeff".encode()
    for row in report:
        if rule_columns is None:
            rule_columns = [_rule_column(rule) for rule in row.evaluation.rules]
            writer.writerow(header + [f"{column} met" for column in rule_columns]
                            + ["eligible", "not_eligible_because", *CREDENTIAL_COLUMNS])
        writer.writerow(_cells(row, type_names, translator.gettext))
        yield flush()
    if rule_columns is None:
        writer.writerow(header)
        yield flush()


def not_eligible_because(row: Row, gettext: Any) -> str:
    """Why a learner is not eligible: access problems first, then each unmet rule ("" when eligible)."""
    if row.eligible:
        return ""
    reasons = [*row.access, *(unmet_reason(rule) for rule in row.evaluation.rules if not rule.met)]
    return "; ".join(render_message(reason, gettext) for reason in reasons)


def _cells(row: Row, type_names: list[str], gettext: Any) -> list[Any]:
    record = row.record
    completion = round(100 * record.completed_units / record.counted_units, 2) if record.counted_units else 0
    enrollment = record.enrollment
    return [
        record.user_id, _safe(record.username), _safe(record.full_name),
        enrollment.mode if enrollment else "", (enrollment.is_active if enrollment else False),
        record.completed_units, record.counted_units, completion, round(100 * record.grade_percent, 2),
        *[round(100 * record.type_percents.get(name, 0.0), 2) for name in type_names],
        *["yes" if rule.met else "no" for rule in row.evaluation.rules],
        "yes" if row.eligible else "no", _safe(not_eligible_because(row, gettext)),
        *[row.credential.get(key, "") for key in ("status", "issued_on", "short_code", "verify_url")],
    ]
