"""The Credential block: the learner's checklist, the course-staff panel and the Studio editor.

The block only presents. Rules come from `rules` (via `checklist` and `settings_form`), learner data from the
backend named by the `CREDENTIAL_XBLOCK_BACKEND` setting, issuing from `credential_admin.issuing.api`; all of
credential_admin is imported inside functions so that the block imports without Django models.
"""
from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

from web_fragments.fragment import Fragment
from webob import Response
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.utils.resources import ResourceLoader
from xblock.validation import ValidationMessage

from credential_xblock import checklist, staff_report
from credential_xblock.fields import LEVEL_ACHIEVEMENT, LEVEL_BADGE, LEVELS, CredentialFieldsMixin
from credential_xblock.handlers import (
    BadBody,
    json_response,
    load_json,
    refuse_non_staff,
    studio_body,
    user_is_course_staff,
)
from credential_xblock.i18n import translator_for
from credential_xblock.records import EligibilityContext, LearnerRecord
from credential_xblock.rules import (
    N_,
    Criteria,
    CriteriaError,
    Message,
    check_assignment_types,
    check_sections,
    parse_criteria,
)
from credential_xblock.settings_form import clean_settings, parse_available_from

loader = ResourceLoader(__name__)
log = logging.getLogger(__name__)


def asset(name: str) -> str:
    """A file of static/credential_xblock/, inlined into fragments so that every runtime serves it the same way."""
    from importlib.resources import files

    return files("credential_admin").joinpath("static", "credential_xblock", name).read_text(encoding="utf-8")


@XBlock.wants("user", "i18n", "settings")
class CredentialBlock(CredentialFieldsMixin, XBlock):
    """One credential configuration of a course: its rules, level and template, and the views built on them."""

    completion_mode = XBlockCompletionMode.EXCLUDED
    CATEGORY = "credential"
    STUDIO_LABEL = N_("Credential")

    # ----- identity and data ------------------------------------------------------------------------------------

    @property
    def course_key(self) -> str:
        """The course (learning context) this block belongs to; a rerun has a new one, hence its own configuration."""
        key = getattr(self.scope_ids.usage_id, "context_key", None)
        return str(key) if key is not None else ""

    @property
    def usage_key(self) -> str:
        return str(self.scope_ids.usage_id)

    def current_user(self) -> tuple[int | None, bool]:
        """The learner's user id (None when anonymous) and whether they are course staff."""
        service = self.runtime.service(self, "user")
        user = service.get_current_user() if service is not None else None
        attrs = getattr(user, "opt_attrs", {}) or {}
        user_id = attrs.get("edx-platform.user_id")
        if not attrs.get("edx-platform.is_authenticated", user_id is not None):
            user_id = None
        return (int(user_id) if user_id is not None else None), user_is_course_staff(self)

    @staticmethod
    def backend():
        from credential_admin.backends import get_backend

        return get_backend()

    def criteria_and_errors(self, check_course: bool = True) -> tuple[Criteria | None, tuple[Message, ...]]:
        """The parsed criteria, or the configuration errors that keep the block from evaluating anybody."""
        try:
            criteria = parse_criteria(self.raw_criteria())
        except CriteriaError as exc:
            return None, tuple(exc.errors.values())
        errors: list[Message] = []
        if check_course and criteria.min_type_grades:
            errors.extend(check_assignment_types(criteria, self.backend().assignment_types(self.course_key)).values())
        sections = self.course_sections() if check_course and criteria.min_section_completion else None
        if sections is not None:
            errors.extend(check_sections(criteria, sections).values())
        try:
            parse_available_from(self.available_from)
        except ValueError as exc:
            errors.append(exc.args[0])
        if self.level not in LEVELS:
            errors.append(Message(N_('The level "{level}" is neither "completion", "achievement" nor "badge".'),
                                  {"level": self.level}))
        return (None, tuple(errors)) if errors else (criteria, ())

    def eligibility_context(self) -> EligibilityContext:
        try:
            available_from = parse_available_from(self.available_from)
        except ValueError:
            available_from = None  # reported as a configuration error by criteria_and_errors
        return EligibilityContext(frozenset(self.allowed_modes or ()), available_from)

    def learner_record(self, user_id: int | None) -> LearnerRecord | None:
        if user_id is None:
            return None
        records = self.backend().records(self.course_key, [user_id])
        return records[0] if records else None

    def credential_state(self, user_id: int | None) -> Any:
        """The issuing app's state of this learner's credential, or None (none yet, or issuing not installed)."""
        if user_id is None:
            return None
        try:
            from credential_admin.issuing.api import credential_state
        except ImportError:
            return None
        return credential_state(user_id, self.course_key, self.usage_key)

    def checklist_data(self, user_id: int | None, staff: bool) -> dict:
        """The checklist for this learner; configuration details only for course staff."""
        criteria, errors = self.criteria_and_errors()
        record = credential = None
        if criteria is not None and user_id is not None:
            record = self.learner_record(user_id)
            credential = self.credential_state(user_id)
        inputs = checklist.Inputs(criteria, errors, record, self.eligibility_context(), datetime.now(UTC), credential,
                                  signed_in=user_id is not None)
        data = checklist.build(inputs, translator_for(self))
        checklist.add_badge(data, self.badge(), translator_for(self).gettext)
        data["paths"] = self.path_progress(user_id)
        if not staff:
            data["config_errors"] = []
        return data

    def path_progress(self, user_id: int | None) -> list[dict]:
        """Progress on the Learning Paths that include this course, shown under the checklist (none without the
        companion app, or for an anonymous user)."""
        if user_id is None:
            return []
        try:
            from credential_admin.paths.progress import for_course
        except ImportError:
            return []
        return for_course(user_id, self.course_key, self.level)

    def level_label(self, gettext) -> str:
        labels = {LEVEL_ACHIEVEMENT: N_("Achievement"), LEVEL_BADGE: N_("Badge")}
        return gettext(labels.get(self.level, N_("Completion")))

    def badge(self) -> dict | None:
        """A badge's name, description and image for the checklist (None for certificates). The image is a data
        URI: the uploaded one, or the default generated from the course's colours and the badge's name."""
        if self.level != LEVEL_BADGE:
            return None
        name = self.badge_name or self.display_name
        return checklist.badge_item(name, self.badge_description, self.badge_image or self.default_badge_image(name))

    def default_badge_image(self, name: str) -> str:
        try:
            from credential_admin import conf
            from credential_admin.badges.images import course_colours, default_image
        except ImportError:  # no companion app: the badge is shown without an image
            return ""
        return default_image(name, *course_colours(self.course_key, conf.get("BADGE_COLOURS"))).data_uri()

    # ----- learner and staff views -------------------------------------------------------------------------------

    def dom_id(self) -> str:
        return "cx-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.usage_key)[-60:]

    def render_checklist(self, data: dict, staff: bool) -> str:
        context = {"data": data, "staff": staff, "uid": self.dom_id()}
        return loader.render_django_template("templates/checklist.html", context, i18n_service=self._i18n())

    def _i18n(self):
        return self.runtime.service(self, "i18n")

    def _fragment(self, template: str, context: dict, script: str | None = None, init: str | None = None,
                  strings: dict | None = None) -> Fragment:
        """A view: the rendered template with the block's CSS, and its script initialised with translated strings."""
        fragment = Fragment(loader.render_django_template(f"templates/{template}", context, i18n_service=self._i18n()))
        fragment.add_css(asset("credential.css"))
        if script:
            fragment.add_javascript(asset(script))
            fragment.initialize_js(init, {"strings": strings or {}})
        return fragment

    def student_view(self, context: dict | None = None) -> Fragment:
        """The checklist; course staff also get the staff panel under it."""
        user_id, staff = self.current_user()
        gettext = translator_for(self).gettext
        data = self.checklist_data(user_id, staff)
        render_context = {
            "block": self,
            "uid": self.dom_id(),
            "display_name": gettext(self.display_name),
            "level_label": self.level_label(gettext),
            "description": self.description,
            "checklist_html": self.render_checklist(data, staff),
            "staff": staff,
        }
        return self._fragment("credential.html", render_context, "credential.js", "CredentialBlock", {
            "working": gettext("Working..."),
            "failed": gettext("The server could not be reached. Try again."),
            "updated": gettext("Progress updated."),
            "confirm_grant": gettext("Grant this credential to {user}, although the rules are not met?"),
            "confirm_revoke": gettext("Revoke {user}'s credential? Its verification page will say it was revoked."),
            "confirm_reinstate": gettext("Reinstate {user}, so that they can receive this credential again?"),
            "confirm_retry": gettext("Try again to issue {code} to {user}?"),
            "retry": gettext("Retry"),
            "attempts": gettext("attempts: {count}"),
        })

    @XBlock.handler
    def progress(self, request, suffix: str = "") -> Response:
        """The checklist as JSON, with its HTML, so the page can refresh it without a reload."""
        user_id, staff = self.current_user()
        data = self.checklist_data(user_id, staff)
        return json_response({"checklist": data, "html": self.render_checklist(data, staff)})

    @XBlock.handler
    def claim(self, request, suffix: str = "") -> Response:
        """Issue the credential to the current learner when eligible; a refusal explains why."""
        gettext = translator_for(self).gettext
        if request.method != "POST":
            return json_response({"error": gettext("Use POST to claim a credential.")}, status=405)
        user_id, staff = self.current_user()
        if user_id is None:
            return json_response({"error": gettext("Sign in to claim this credential.")}, status=403)
        try:
            from credential_admin.issuing.api import ClaimRefused, claim
        except ImportError:
            return json_response({"error": gettext("Credentials cannot be issued on this site yet.")}, status=503)
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(pk=user_id)
        try:
            body = load_json(request.body or b"{}")
        except BadBody:
            body = {}
        path_config = body.get("path_config") if isinstance(body, dict) else None  # a path's, claimed from here
        try:
            if path_config is not None:
                from credential_admin.paths.issuing import claim_from_course

                claim_from_course(user, self.course_key, path_config)
            else:
                claim(user, self.course_key, self.usage_key)
        except ClaimRefused as exc:
            return json_response({"error": str(exc)}, status=409)
        data = self.checklist_data(user_id, staff)
        return json_response({"checklist": data, "html": self.render_checklist(data, staff)})

    @XBlock.handler
    def staff_summary(self, request, suffix: str = "") -> Response:
        """Counts of enrolled, eligible and issued learners (course staff only)."""
        _, staff = self.current_user()
        if not staff:
            return json_response({"error": translator_for(self).gettext("Course staff only.")}, status=403)
        criteria, errors = self.criteria_and_errors()
        if criteria is None:
            gettext = translator_for(self).gettext
            return json_response({"error": "; ".join(m.render(gettext) for m in errors)}, status=409)
        return json_response(staff_report.summarize(self.report_rows(criteria)))

    @XBlock.handler
    def staff_action(self, request, suffix: str = "") -> Response:
        """Course staff only: grant by hand, revoke, reinstate, retry a failed credential, or list the failed ones
        (a POSTed JSON object: action, username, reason, code). A refusal says why and changes nothing."""
        refused = refuse_non_staff(self)
        if refused is not None:
            return refused
        gettext = translator_for(self).gettext
        try:
            body = load_json(request.body or b"{}") if request.method == "POST" else None
        except BadBody:
            body = None
        if not isinstance(body, dict):
            return json_response({"error": gettext("Send a JSON object by POST.")}, status=400)
        try:
            from credential_admin.issuing.staff import StaffRefused, perform
        except ImportError:
            return json_response({"error": gettext("Credentials cannot be issued on this site yet.")}, status=503)
        from django.contrib.auth import get_user_model

        staff_user = get_user_model().objects.get(pk=self.current_user()[0])
        try:
            return json_response(perform(str(body.get("action", "")), staff_user, self.course_key, self.usage_key,
                                         body))
        except StaffRefused as exc:
            return json_response({"error": str(exc)}, status=409)

    @XBlock.handler
    def export_csv(self, request, suffix: str = "") -> Response:
        """Every enrolled learner's values, rules and eligibility as CSV (course staff only)."""
        gettext = translator_for(self).gettext
        _, staff = self.current_user()
        if not staff:
            return Response(gettext("Course staff only."), status=403, content_type="text/plain", charset="utf-8")
        criteria, errors = self.criteria_and_errors()
        if criteria is None:
            text = "; ".join(m.render(gettext) for m in errors)
            return Response(text, status=409, content_type="text/plain", charset="utf-8")
        filename = re.sub(r"[^A-Za-z0-9._-]+", "_", f"credential-{self.course_key}-{self.scope_ids.usage_id.block_id}")
        return Response(
            app_iter=staff_report.csv_chunks(self.report_rows(criteria), criteria, translator_for(self)),
            content_type="text/csv", charset="utf-8",
            content_disposition=f'attachment; filename="{filename}.csv"',
        )

    def report_rows(self, criteria: Criteria):
        """Rows for every enrolled learner, read from the backend in batches."""
        from credential_admin import conf

        return staff_report.rows(
            self.backend(), self.course_key, criteria, self.eligibility_context(), datetime.now(UTC),
            self.credential_summaries, int(conf.get("BATCH_SIZE") or 500),
        )

    def credential_summaries(self, user_ids: list[int]) -> dict[int, dict[str, str]]:
        """The current credential (status, issue date, code, verification URL) of each of these learners who has
        one, in one query per batch."""
        try:
            from credential_admin.issuing.api import credential_summaries
        except ImportError:
            return {}
        return credential_summaries(self.course_key, self.usage_key, user_ids)

    # ----- Studio --------------------------------------------------------------------------------------------------

    def author_view(self, context: dict | None = None) -> Fragment:
        """Studio's preview: the configuration in words and its errors, without learner data (none in Studio)."""
        gettext = translator_for(self).gettext
        criteria, _ = self.criteria_and_errors(check_course=False)
        errors = self.author_errors()
        render_context = {
            "uid": self.dom_id(),
            "display_name": gettext(self.display_name),
            "level_label": self.level_label(gettext),
            "description": self.description,
            "errors": [message.render(gettext) for message in errors],
            "rules": checklist.rule_summary(criteria, translator_for(self)) if criteria else [],
            "template": self.template, "modes": ", ".join(self.allowed_modes or ()),
            "available_from": self.available_from,
        }
        return self._fragment("author.html", render_context)

    def studio_view(self, context: dict | None = None) -> Fragment:
        """The editor: one labelled input per field, errors shown next to each; nothing saved until all are valid."""
        gettext = translator_for(self).gettext
        render_context = {
            "uid": self.dom_id(),
            "block": self,
            "fields": {name: self.fields[name] for name in self.editable_fields},
            "type_rows": [{"type": name, "value": value} for name, value in (self.min_type_grades or {}).items()],
            "known_types": self._known_types(),
            "template_names": self.template_names(),
            "modes_text": ", ".join(self.allowed_modes or ()),
            "levels": [(value["value"], gettext(value["display_name"])) for value in self.fields["level"].values],
            "section_rows": self._section_rows(),
            "badge_preview": self.badge_image or self.default_badge_image(self.badge_name or self.display_name),
        }
        return self._fragment("studio_edit.html", render_context, "studio.js", "CredentialStudio", {
            "saved": gettext("Saved."),
            "invalid": gettext("Nothing was saved: fix the fields marked below."),
            "failed": gettext("The server could not be reached. Nothing was saved."),
            "typeName": gettext("Assignment type"),
            "typeValue": gettext("Minimum %"),
            "remove": gettext("Remove"),
        })

    @staticmethod
    def template_names() -> list[str]:
        """Names of the platform's certificate templates; empty where the companion app has none to offer."""
        try:
            from credential_admin.models import CertificateTemplate
        except ImportError:
            return []
        return sorted(set(CertificateTemplate.objects.values_list("name", flat=True)))

    def course_sections(self) -> dict[str, str] | None:
        """The course's sections and subsections (usage key -> title), or None where the backend cannot list them
        (section rules are then checked when learners are evaluated)."""
        lister = getattr(self.backend(), "sections", None)
        return None if lister is None else dict(lister(self.course_key))

    def _section_lister(self):
        """For clean_settings: the course's section keys, or None where the backend cannot list them."""
        if getattr(self.backend(), "sections", None) is None:
            return None
        return lambda: list(self.course_sections() or {})

    def _section_rows(self) -> list[dict]:
        """One input per section and subsection, then any rule naming a section the course no longer has."""
        try:
            sections = self.course_sections() or {}
        except Exception:  # the editor still opens; validation reports the problem on save
            sections = {}
        rules = dict(self.min_section_completion or {})
        rows = [{"key": key, "title": title, "sub": "type@sequential" in key, "value": rules.pop(key, "")}
                for key, title in sections.items()]
        return rows + [{"key": key, "title": key, "sub": False, "value": value} for key, value in rules.items()]

    def _known_types(self) -> list[str]:
        try:
            return sorted(self.backend().assignment_types(self.course_key))
        except Exception:  # the editor still opens; validation reports the problem on save
            return []

    @XBlock.handler
    def studio_submit(self, request, suffix: str = "") -> Response:
        """Course staff only (403 otherwise, whichever route called it). Validate the whole form; save every field,
        or none and answer 400 with a message per invalid field."""
        refused, data = studio_body(self, request)
        if refused is not None:
            return refused
        gettext = translator_for(self).gettext
        if not isinstance(data, dict):
            return json_response({"result": "error", "errors": {"form": gettext("The form data was not JSON.")}}, 400)
        clean, errors = clean_settings(data, lambda: self.backend().assignment_types(self.course_key),
                                       self.template_names, sections=self._section_lister())
        if errors:
            rendered = {field: message.render(gettext) for field, message in errors.items()}
            return json_response({"result": "error", "errors": rendered}, status=400)
        for name, value in clean.items():
            setattr(self, name, value)
        return json_response({"result": "success"})

    def olx_errors(self) -> list[str]:
        """Values no Studio form would save (thresholds that are not percentages, an unknown level, a date that is
        not one or is out of range): a course whose OLX carries them is refused at load. A block with no rule at
        all still loads, as a draft that staff see as a configuration error."""
        errors: list[Message] = []
        try:
            parse_criteria(self.raw_criteria())
        except CriteriaError as exc:
            errors += [message for key, message in exc.errors.items() if key != "criteria"]
        try:
            parse_available_from(self.available_from)
        except ValueError as exc:
            errors.append(exc.args[0])
        if self.level not in LEVELS:
            errors.append(Message(N_('The level "{level}" is not one of {levels}.'),
                                  {"level": self.level, "levels": ", ".join(LEVELS)}))
        return [message.render() for message in errors]

    def author_errors(self) -> tuple[Message, ...]:
        """Configuration errors for authors; when the course's grading policy cannot be read, those found without."""
        try:
            return self.criteria_and_errors()[1]
        except Exception:
            log.warning("Cannot read the grading policy of %s", self.course_key, exc_info=True)
            return self.criteria_and_errors(check_course=False)[1]

    def validate(self):
        """Studio's validation banner: the same configuration errors the staff see in the checklist."""
        validation = super().validate()
        gettext = translator_for(self).gettext
        for message in self.author_errors():
            validation.add(ValidationMessage(ValidationMessage.ERROR, message.render(gettext)))
        return validation

    @staticmethod
    def workbench_scenarios():
        """Scenarios for the plain xblock-sdk workbench, from credential_xblock/scenarios/*.xml."""
        return loader.load_scenarios_from_path("scenarios")
