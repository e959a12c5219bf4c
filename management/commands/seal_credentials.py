"""Seal signed credentials so their verification pages check a hash, not the signature: `seal_credentials
[--all] [--batch-size N]`. Run once after upgrading, and with --all after changing SECRET_KEY; pages are correct
without it, only slower. Exit 1 when a signature does not verify (that row is reported and left unsealed)."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from credential_admin.issuing import seals
from credential_admin.progress import Progress


class Command(BaseCommand):
    help = _("Verify the signature of each signed credential once more and store its seal, so that its "
             "verification page checks a hash instead of the signature.")

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", dest="every",
                            help=_("seal every signed credential again (after SECRET_KEY changed)"))
        parser.add_argument("--batch-size", type=int, default=1000, metavar="N",
                            help=_("credentials read and written at a time (default 1000)"))

    def handle(self, *args, every: bool, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError(_("--batch-size must be at least 1."), returncode=2)
        progress = Progress(self.stderr if self.stderr.isatty() else self.stdout, seals.remaining(every),
                            _("Sealing"), _("credentials"))
        sealed, failed = 0, []
        for batch in seals.seal_all(every, batch_size):
            sealed += batch.sealed
            failed += batch.failed
            progress.update(batch.sealed + len(batch.failed))
        progress.close()
        for verification_id in failed:
            self.stderr.write(_("{id}: the signature does not verify; left unsealed.").format(id=verification_id))
        self.stdout.write(_("Sealed {sealed}; {failed} failed their signature check.").format(
            sealed=sealed, failed=len(failed)))
        if failed:
            raise CommandError(_("{count} credential(s) failed their signature check.").format(count=len(failed)),
                               returncode=1)
