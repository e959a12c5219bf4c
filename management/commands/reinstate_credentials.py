"""Reinstate revoked learners: `reinstate_credentials (--credential ID… | --user USERNAME… --course KEY…)
[--reason TEXT]`. See credential_admin.cli."""
from __future__ import annotations

from django.utils.translation import gettext as _

from credential_admin.cli import LifecycleCommand, bad_arguments, guarded
from credential_admin.issuing import bulk, lifecycle, selection
from credential_admin.models import Credential


class Command(LifecycleCommand):
    help = ("Let learners whose credential was revoked receive it again. The revoked credential stays revoked; the "
            "next claim or issue_credentials run issues a new one to a learner who is eligible.")
    examples = """  {prog} --credential ABCDEFGHJKMN --reason "Appeal upheld"
  {prog} --user bob carla --course course-v1:Demo+CRED101+2026
"""

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        self.add_credential_argument(which)
        which.add_argument("--user", nargs="+", metavar="USERNAME", help=_("these learners (with --course)"))
        parser.add_argument("--course", nargs="+", metavar="KEY", help=_("with --user: in these courses"))
        parser.add_argument("--reason", metavar="TEXT", help=_("why, for the audit log"))

    def handle(self, *args, **options):
        if bool(options["user"]) != bool(options["course"]):
            raise bad_arguments(_("--user and --course go together (or name the credentials with --credential)."))
        credentials = self.select(options)
        reason = self.reason(options, False)
        tally = self.each(_("Reinstating"), credentials, guarded(
            credentials, lambda c: lifecycle.reinstate(c, actor=self.actor, reason=reason), _("reinstated")))
        failed = tally.get(_("failed"), 0)
        self.finish(_("Reinstated {done}, failed {failed}. Run issue_credentials to issue new credentials to "
                      "those who are eligible.").format(done=tally.get(_("reinstated"), 0), failed=failed), failed)

    def select(self, options) -> list[Credential]:
        what = _("only a revoked credential not yet reinstated can be reinstated")
        if options["credential"]:
            return self.named_credentials(
                options["credential"],
                lambda c: c.status == Credential.Status.REVOKED and c.reinstated_at is None, what)
        courses = self.resolve(lambda: bulk.resolve_courses(options["course"], False))
        users = self.resolve(lambda: bulk.resolve_users(options["user"]))
        rows = [c for c in selection.credentials_in(courses, list(users), (Credential.Status.REVOKED,))
                if c.reinstated_at is None]
        missing = sorted(set(users.values()) - {c.user.get_username() for c in rows})
        if missing:
            raise bad_arguments(_("no revoked credential to reinstate for: {names}").format(names=", ".join(missing)))
        return rows
