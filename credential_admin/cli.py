"""What the lifecycle commands share: examples in --help, argument checks that exit 2, confirmation, progress over
credentials and the summary with exit 1 on partial failure. The commands themselves only parse and print.

Exit status: 0 done, 1 some credentials failed (rerun to finish), 2 bad arguments or not confirmed (nothing
changed).
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from django.utils.translation import gettext as _

from credential_admin.issuing import bulk, selection
from credential_admin.issuing.lifecycle import Actor, LifecycleError
from credential_admin.models import Credential
from credential_admin.progress import Progress

UPDATE_EVERY = 50  # credentials per progress update


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's ordering of options, and the examples printed as written."""


def bad_arguments(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class LifecycleCommand(BaseCommand):
    """Base of reissue_credentials, revoke_credentials and reinstate_credentials."""

    examples = ""
    stealth_options = ("stdin",)

    def create_parser(self, prog_name, subcommand, **kwargs):
        examples = _("examples:") + "\n" + self.examples.format(prog=f"{prog_name} {subcommand}")
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, epilog=examples,
                                     **kwargs)

    @property
    def actor(self) -> Actor:
        return Actor.command(self.__module__.rsplit(".", 1)[-1])

    def add_credential_argument(self, group) -> None:
        group.add_argument("--credential", nargs="+", metavar="ID",
                           help=_("verification ids or printed short codes (any case, with or without hyphens)"))

    def resolve(self, finder: Callable[[], Any]) -> Any:
        """Run an argument lookup; its BadArguments become exit 2."""
        try:
            return finder()
        except bulk.BadArguments as exc:
            raise bad_arguments(str(exc)) from None

    def named_credentials(self, typed: Sequence[str], allowed: Callable[[Credential], bool],
                          what: str) -> list[Credential]:
        def find():
            found = selection.resolve_credentials(typed)
            selection.refuse_unless(found, allowed, what)
            return found
        return self.resolve(find)

    @staticmethod
    def reason(options: dict, required: bool) -> str:
        text = (options.get("reason") or "").strip()
        if required and not text:
            raise bad_arguments(_("--reason is required: say why (it is kept in the audit log)."))
        return text

    def confirm(self, question: str, options: dict) -> None:
        """Ask `question` on a terminal; exit 2 when declined, or when there is no terminal and no --yes."""
        if options.get("yes"):
            return
        stdin = options.get("stdin") or sys.stdin
        if not stdin.isatty():
            raise bad_arguments(_("{question} No terminal to ask on: pass --yes to confirm. Nothing was changed.")
                                .format(question=question))
        self.stdout.write(f"{question} [y/N] ", ending="")
        self.stdout.flush()
        if stdin.readline().strip().lower() not in ("y", "yes"):
            raise bad_arguments(_("Not confirmed: nothing was changed."))

    def each(self, label: str, credentials: Sequence[Credential],
             outcomes: Iterable[tuple[Credential, str, str]]) -> dict[str, int]:
        """Consume (credential, outcome, error) triples with a progress bar; tally outcomes, report failures, and
        exit 1 when any failed."""
        tally: dict[str, int] = {}
        failures = []
        progress = Progress(self.stderr if self.stderr.isatty() else self.stdout, len(credentials), label,
                            _("credentials"))
        for done, (credential, outcome, error) in enumerate(outcomes, start=1):
            tally[outcome] = tally.get(outcome, 0) + 1
            if error:
                failures.append(f"{credential.formatted_code} ({credential.user.get_username()}): {error}")
            if done % UPDATE_EVERY == 0 or done == len(credentials):
                progress.update(done - progress.done, ", ".join(f"{key} {value}" for key, value in tally.items()))
        progress.close()
        for line in failures:
            self.stderr.write(line)
        return tally

    def finish(self, summary: str, failed: int) -> None:
        self.stdout.write(summary)
        if failed:
            raise CommandError(_("{count} credential(s) failed; run the command again to finish.").format(
                count=failed), returncode=1)


def guarded(credentials: Iterable[Credential], operation: Callable[[Credential], Any],
            done: str) -> Iterator[tuple[Credential, str, str]]:
    """(credential, `done` or "failed", the refusal) for each credential after the lifecycle `operation`."""
    for credential in credentials:
        try:
            operation(credential)
        except LifecycleError as exc:
            yield credential, _("failed"), str(exc)
        else:
            yield credential, done, ""
