"""Revoke credentials: `revoke_credentials (--credential ID… | --course KEY… [--user USERNAME…]) --reason TEXT
[--yes] [--dry-run]`. Asks for confirmation showing the count. See credential_admin.cli."""
from __future__ import annotations

from django.utils.translation import gettext as _

from credential_admin.cli import LifecycleCommand, bad_arguments, guarded
from credential_admin.issuing import bulk, lifecycle, selection
from credential_admin.models import Credential


class Command(LifecycleCommand):
    help = ("Revoke credentials, recording who, when and why. The verification page then shows them revoked, the "
            "status list sets their bit, and the learners are not issued them again until reinstated "
            "(reinstate_credentials).")
    examples = """  {prog} --credential abcd-efgh-jkmn --reason "Academic misconduct" --yes
  {prog} --course course-v1:Demo+CRED101+2026 --user bob carla --reason "Exam annulled"
  {prog} --course course-v1:Demo+CRED101+2026 --reason "Course withdrawn" --dry-run
"""

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        self.add_credential_argument(which)
        which.add_argument("--course", nargs="+", metavar="KEY", help=_("active credentials of these courses"))
        parser.add_argument("--user", nargs="+", metavar="USERNAME", help=_("with --course: only these learners"))
        parser.add_argument("--reason", metavar="TEXT",
                            help=_("why (required; public when SHOW_REVOCATION_REASON is on)"))
        parser.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
        parser.add_argument("--dry-run", action="store_true", help=_("list what would be revoked; change nothing"))

    def handle(self, *args, **options):
        reason = self.reason(options, True)
        if options["user"] and not options["course"]:
            raise bad_arguments(_("--user needs --course (or name the credentials with --credential)."))
        credentials = self.select(options)
        if not credentials:
            self.stdout.write(_("No active credential matches: nothing to revoke."))
            return
        if options["dry_run"]:
            for credential in credentials:
                self.stdout.write(f"{credential.formatted_code}  {credential.user.get_username():<20} "
                                  f"{credential.config.course_key}  {credential.get_status_display()}")
            self.stdout.write(_("Dry run: {count} would be revoked. Nothing was changed.").format(
                count=len(credentials)))
            return
        self.confirm(_("Revoke {count} credential(s)?").format(count=len(credentials)), options)
        tally = self.each(_("Revoking"), credentials, guarded(
            credentials, lambda c: lifecycle.revoke(c, actor=self.actor, reason=reason), _("revoked")))
        failed = tally.get(_("failed"), 0)
        self.finish(_("Revoked {done}, failed {failed}.").format(done=tally.get(_("revoked"), 0), failed=failed),
                    failed)

    def select(self, options) -> list[Credential]:
        if options["credential"]:
            return self.named_credentials(options["credential"], lambda c: c.is_active,
                                          _("only an active credential can be revoked"))
        courses = self.resolve(lambda: bulk.resolve_courses(options["course"], False))
        users = self.resolve(lambda: bulk.resolve_users(options["user"])) if options["user"] else None
        return list(selection.credentials_in(courses, list(users) if users is not None else None,
                                             Credential.ACTIVE_STATUSES))
