"""Sync credential configurations from the published Credential blocks: `sync_credential_configs [KEY…]`.

Without keys, every known course. Exit status 0, or 2 for a malformed or unknown course key (nothing changed).
"""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from credential_admin import configs
from credential_admin.issuing import bulk


class Command(BaseCommand):
    help = "Create or update credential configurations from the published Credential blocks of courses."

    def add_arguments(self, parser):
        parser.add_argument("course", nargs="*", metavar="KEY", help="course keys (default: every course)")

    def handle(self, *args, **options):
        try:
            courses = bulk.resolve_courses(options["course"], not options["course"])
        except bulk.BadArguments as exc:
            raise CommandError(str(exc), returncode=2) from None
        for course_key in courses:
            result = configs.sync_course(course_key)
            self.stdout.write(_("{course}: {created} created, {updated} updated, {unpublished} unpublished").format(
                course=course_key, created=len(result.created), updated=len(result.updated),
                unpublished=len(result.unpublished)))
            for usage_key, reason in result.invalid.items():
                self.stderr.write(_("  {block} does not drive issuing: {reason}").format(block=usage_key,
                                                                                       reason=reason))
