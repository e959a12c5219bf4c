"""The Credential block's fields: a fixed contract that the issuing app's configuration sync reads by name.

All fields are Scope.settings so that they travel with OLX export/import and a course rerun copies them into
its own block, whose configuration is then keyed by the new course and usage key.
"""
from __future__ import annotations

from xblock.core import XBlockMixin
from xblock.fields import Dict, List, Scope, String

from credential_xblock.rules import N_

LEVEL_COMPLETION = "completion"
LEVEL_ACHIEVEMENT = "achievement"
LEVEL_BADGE = "badge"
LEVELS = (LEVEL_COMPLETION, LEVEL_ACHIEVEMENT, LEVEL_BADGE)


class CredentialFieldsMixin(XBlockMixin):
    """Rules, level and presentation settings of one credential configuration."""

    display_name = String(
        display_name=N_("Display name"),
        help=N_("The title learners see above the checklist."),
        default=N_("Course credential"),
        scope=Scope.settings,
    )
    level = String(
        display_name=N_("Level"),
        help=N_("The label printed on the certificate: Completion or Achievement; or Badge, a milestone badge "
                "image instead of a certificate."),
        default=LEVEL_COMPLETION,
        values=[
            {"display_name": N_("Completion"), "value": LEVEL_COMPLETION},
            {"display_name": N_("Achievement"), "value": LEVEL_ACHIEVEMENT},
            {"display_name": N_("Badge"), "value": LEVEL_BADGE},
        ],
        scope=Scope.settings,
    )
    min_completion = String(
        display_name=N_("Minimum completion (%)"),
        help=N_("Share of the course's units a learner must complete, 0-100. Leave empty for no completion rule."),
        default="",
        scope=Scope.settings,
    )
    min_grade = String(
        display_name=N_("Minimum overall grade (%)"),
        help=N_("The course grade a learner must reach, 0-100. Leave empty for no grade rule."),
        default="",
        scope=Scope.settings,
    )
    min_type_grades = Dict(
        display_name=N_("Minimum grade per assignment type (%)"),
        help=N_("Assignment type of the grading policy (e.g. Final Exam) mapped to a percentage, 0-100."),
        default={},
        scope=Scope.settings,
    )
    min_section_completion = Dict(
        display_name=N_("Minimum completion per section (%)"),
        help=N_("A section or subsection of the course (its usage key) mapped to the share of its own units a "
                "learner must complete, 0-100."),
        default={},
        scope=Scope.settings,
    )
    badge_name = String(
        display_name=N_("Badge name"),
        help=N_("The badge's name, e.g. Homework hero (Badge level only)."),
        default="",
        scope=Scope.settings,
    )
    badge_description = String(
        display_name=N_("Badge description"),
        help=N_("One sentence on what the badge recognises."),
        default="",
        scope=Scope.settings,
    )
    badge_criteria = String(
        display_name=N_("Badge criteria"),
        help=N_("What a learner must do to earn the badge, in words (published in the badge)."),
        default="",
        multiline_editor=True,
        scope=Scope.settings,
    )
    badge_image = String(
        display_name=N_("Badge image"),
        help=N_("A PNG or SVG image (checked on upload); empty for a generated image in the course's colours."),
        default="",
        scope=Scope.settings,
    )
    template = String(
        display_name=N_("Certificate template"),
        help=N_("The id of a template managed by the platform admin; empty for the built-in template."),
        default="",
        scope=Scope.settings,
    )
    description = String(
        display_name=N_("Description"),
        help=N_("A short text shown to learners under the title."),
        default="",
        multiline_editor=True,
        scope=Scope.settings,
    )
    allowed_modes = List(
        display_name=N_("Allowed enrollment modes"),
        help=N_("Enrollment mode slugs (e.g. verified, honor) that may receive the credential; empty for all modes."),
        default=[],
        scope=Scope.settings,
    )
    available_from = String(
        display_name=N_("Available from"),
        help=N_("An ISO date (2026-09-01) or date and time before which no credential is issued; empty for always."),
        default="",
        scope=Scope.settings,
    )

    validity_months = String(
        display_name=N_("Valid for (months)"),
        help=N_("Credentials expire this many months after their issue date (a whole number, 1-600); empty: they "
                "do not expire."),
        default="",
        scope=Scope.settings,
    )
    valid_until = String(
        display_name=N_("Valid until"),
        help=N_("Or a fixed last day of validity for every credential (an ISO date, 2027-12-31); empty: none."),
        default="",
        scope=Scope.settings,
    )

    editable_fields = (
        "display_name", "level", "min_completion", "min_grade", "min_type_grades", "min_section_completion",
        "template", "description", "allowed_modes", "available_from", "validity_months", "valid_until",
        "badge_name", "badge_description", "badge_criteria", "badge_image",
    )

    def raw_criteria(self) -> dict:
        """The rule fields as typed, ready for `rules.parse_criteria`."""
        return {
            "min_completion": self.min_completion,
            "min_grade": self.min_grade,
            "min_type_grades": self.min_type_grades,
            "min_section_completion": self.min_section_completion,
        }
