"""Issue credentials in bulk: `issue_credentials --course KEY… | --path KEY… | --all [--user USERNAME…]
[--users-file PATH] [--queue] [--dry-run]`. With --queue, batches go to the Celery workers.

Exit status: 0 done, 1 some learners failed (rerun to finish: every batch is idempotent), 2 bad arguments
(nothing changed).
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from credential_admin.issuing import bulk
from credential_admin.issuing.pipeline import BatchResult
from credential_admin.progress import Progress

ROW = "{:<34} {:<28} {:<20} {:<9} {}"


class Command(BaseCommand):
    help = "Issue credentials to eligible learners of some or all courses (idempotent, resumable)."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--course", nargs="+", metavar="KEY", help="course keys (course-v1:ORG+NUMBER+RUN)")
        which.add_argument("--all", action="store_true", help="every course with a Credential block")
        which.add_argument("--path", nargs="+", metavar="KEY",
                           help="learning path keys (path-v1:ORG+NUMBER+RUN+GROUP): their path credentials")
        parser.add_argument("--user", nargs="+", metavar="USERNAME", help="only these learners")
        parser.add_argument("--users-file", metavar="PATH",
                            help="only the learners of this file, one username a line (with --user: both)")
        parser.add_argument("--queue", action="store_true",
                            help="send the batches to the Celery workers instead of issuing in this process")
        parser.add_argument("--dry-run", action="store_true",
                            help="list each learner, eligible or not and why; change nothing")

    def handle(self, *args, **options):
        try:
            paths = bulk.resolve_paths(options["path"]) if options["path"] else None
            courses = [] if paths else bulk.resolve_courses(options["course"] or [], options["all"])
            names = [*(options["user"] or []), *(bulk.read_usernames(options["users_file"])
                                                 if options["users_file"] else [])]
            users = bulk.resolve_users(names) if names else None
            if options["queue"] and options["dry_run"]:
                raise bulk.BadArguments(_("--queue and --dry-run do not go together: a dry run changes nothing"))
        except bulk.BadArguments as exc:
            raise CommandError(str(exc), returncode=2) from None
        user_ids = list(users) if users is not None else None
        targets = bulk.path_targets(paths, user_ids) if paths else \
            bulk.targets(courses, user_ids, sync=not options["dry_run"])
        if not targets:
            self.stdout.write(_("No published credential in the selected courses: nothing to do."))
            return
        if options["dry_run"]:
            self.dry_run(targets)
            return
        if options["queue"]:
            self.queue(targets)
            return
        total = self.issue(targets)
        self.stdout.write(_("Issued {issued}, already held {already}, not eligible {no}, failed {failed}.").format(
            issued=total.issued, already=total.already, no=total.not_eligible, failed=len(total.failed)))
        if total.failed:
            for user_id, reason in sorted(total.failed.items()):
                self.stderr.write(_("learner {id}: {reason}").format(id=user_id, reason=reason))
            raise CommandError(_("{count} credential(s) failed; run the command again to retry them.").format(
                count=len(total.failed)), returncode=1)

    def queue(self, targets: list[bulk.Target]) -> None:
        """One Celery task per batch of learners; a summary of what was queued (the workers do the rest)."""
        from credential_admin import tasks

        queued = 0
        for target in targets:
            count = tasks.queue_batches(target.config, list(target.user_ids), bulk.batch_size())
            queued += count
            self.stdout.write(_("{config}: {tasks} batch(es) for {learners} learner(s) queued.").format(
                config=target.config, tasks=count, learners=len(target.user_ids)))
        self.stdout.write(_("Queued {tasks} batch task(s) for {credentials} credential configuration(s). The workers "
                            "issue them; run the command again (it is idempotent) to pick up anything left.").format(
            tasks=queued, credentials=len(targets)))

    def issue(self, targets: list[bulk.Target]) -> BatchResult:
        total = BatchResult()
        for target in targets:
            progress = Progress(self.stderr if self.stderr.isatty() else self.stdout, len(target.user_ids),
                                str(target.config), _("learners"))
            counts = BatchResult()
            for done, result in bulk.issue(target):
                for tally in (counts, total):
                    tally.issued += result.issued
                    tally.already += result.already
                    tally.not_eligible += result.not_eligible
                    tally.failed.update(result.failed)
                progress.update(done, _("issued {issued} · already {already} · not eligible {no} · failed {failed}")
                                .format(issued=counts.issued, already=counts.already, no=counts.not_eligible,
                                        failed=len(counts.failed)))
            progress.close()
        return total

    def dry_run(self, targets: list[bulk.Target]) -> None:
        from django.contrib.auth import get_user_model

        header = (_("Course"), _("Credential"), _("Learner"), _("Eligible"), _("Why"))
        self.stdout.write(ROW.format(*header))
        counts = {"yes": 0, "no": 0, "held": 0}
        for target in targets:
            decisions = list(bulk.evaluate(target))
            names = dict(get_user_model().objects.filter(pk__in=[d.user_id for d in decisions])
                         .values_list("pk", "username"))
            for decision in decisions:
                eligible, why = self.describe(decision)
                counts[self.bucket(decision)] += 1
                self.stdout.write(ROW.format(
                    target.config.course_key[:34], (target.config.display_name or target.config.usage_key)[:28],
                    names.get(decision.user_id, str(decision.user_id))[:20], eligible, why))
        self.stdout.write(_("Dry run: {yes} would be issued, {held} already hold it, {no} not eligible. "
                            "Nothing was changed.").format(**counts))

    @staticmethod
    def bucket(decision) -> str:
        if decision.credential is not None and decision.credential.status == "issued":
            return "held"
        return "yes" if decision.eligible else "no"

    @staticmethod
    def describe(decision) -> tuple[str, str]:
        if decision.credential is not None:
            status = decision.credential.get_status_display()
            if decision.credential.status == "issued":
                return _("held"), _("already issued")
            return _("yes"), _("{status} earlier: will be finished").format(status=status)
        if decision.eligible:
            return _("yes"), _("every rule met")
        return _("no"), "; ".join(message.render(_) for message in decision.reasons)
