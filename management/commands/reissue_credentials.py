"""Reissue credentials with the learners' current names and facts: `reissue_credentials (--credential ID… |
--course KEY… | --user USERNAME… | --all) [--reason TEXT] [--force] [--dry-run]`. See credential_admin.cli."""
from __future__ import annotations

from django.utils.translation import gettext as _

from credential_admin.cli import LifecycleCommand, bad_arguments
from credential_admin.issuing import bulk, lifecycle, selection
from credential_admin.models import Credential

ISSUED = (Credential.Status.ISSUED,)


class Command(LifecycleCommand):
    help = ("Reissue issued credentials whose printed facts changed (a name correction, a new course title, a new "
            "validity period): each gets a new credential with the original issue date; the old one is superseded "
            "and links to it. Credentials with nothing changed are left alone unless --force.")
    examples = """  {prog} --credential ABCD-EFGH-JKMN --reason "Name correction"
  {prog} --course course-v1:Demo+CRED101+2026 --dry-run
  {prog} --user dana --reason "Legal name change"
  {prog} --all --force --reason "New certificate template"
"""

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        self.add_credential_argument(which)
        which.add_argument("--course", nargs="+", metavar="KEY", help=_("every issued credential of these courses"))
        which.add_argument("--user", nargs="+", metavar="USERNAME", help=_("every issued credential of these learners"))
        which.add_argument("--all", action="store_true", help=_("every issued credential"))
        parser.add_argument("--reason", metavar="TEXT", help=_("why, for the audit log"))
        parser.add_argument("--force", action="store_true", help=_("reissue even when no printed fact changed"))
        parser.add_argument("--dry-run", action="store_true", help=_("list what would change; change nothing"))

    def handle(self, *args, **options):
        if not lifecycle.reissue_enabled():
            raise bad_arguments(_("Reissuing is switched off (the REISSUE feature): nothing was reissued."))
        credentials = self.select(options)
        if not credentials:
            self.stdout.write(_("No issued credential matches: nothing to reissue."))
            return
        if options["dry_run"]:
            self.dry_run(credentials, options["force"])
            return
        outcomes = ((o.credential, _("reissued") if o.new else _("unchanged") if not o.error else _("failed"),
                     o.error) for o in lifecycle.reissue_many(credentials, actor=self.actor,
                                                              reason=self.reason(options, False),
                                                              force=options["force"]))
        tally = self.each(_("Reissuing"), credentials, outcomes)
        failed = tally.get(_("failed"), 0)
        self.finish(_("Reissued {done}, unchanged {same}, failed {failed}.").format(
            done=tally.get(_("reissued"), 0), same=tally.get(_("unchanged"), 0), failed=failed), failed)

    def select(self, options) -> list[Credential]:
        if options["credential"]:
            return self.named_credentials(options["credential"], lambda c: c.status == Credential.Status.ISSUED,
                                          _("only an issued credential can be reissued"))
        if options["user"]:
            users = self.resolve(lambda: bulk.resolve_users(options["user"]))
            rows = Credential.objects.filter(user_id__in=list(users), status__in=ISSUED)
            return list(rows.select_related("config", "user").order_by("pk"))
        courses = self.resolve(lambda: bulk.resolve_courses(options["course"] or [], options["all"]))
        return list(selection.credentials_in(courses, None, ISSUED))

    def dry_run(self, credentials: list[Credential], force: bool) -> None:
        would = 0
        for credential, changed in lifecycle.preview(credentials):
            what = "; ".join(f"{key}: {old!r} → {new!r}" for key, (old, new) in changed.items())
            if changed or force:
                would += 1
            self.stdout.write(f"{credential.formatted_code}  {credential.user.get_username():<20} "
                              f"{credential.config.course_key:<34} {what or _('unchanged')}")
        self.stdout.write(_("Dry run: {would} would be reissued, {same} unchanged. Nothing was changed.").format(
            would=would, same=len(credentials) - would))
