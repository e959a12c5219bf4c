"""Progress of a long command, for people watching a terminal and for logs.

On a terminal: one line redrawn in place (carriage return, padded over the previous text, cut to the terminal's
width), in plain text whatever colour the stream would give it. Elsewhere (a pipe, a log file, a test): one plain
line per update. Management commands share it: pass ``self.stderr`` (Django's ``OutputWrapper``) or any stream.
"""
from __future__ import annotations

import shutil
import time
from typing import TextIO

from django.core.management.base import OutputWrapper

BAR_WIDTH = 30


class Progress:
    """A bar for `total` `items` (a plural noun, e.g. "learners") of `label`; `update(n, detail)` after each batch,
    `close()` at the end."""

    def __init__(self, stream: OutputWrapper | TextIO, total: int, label: str, items: str = ""):
        self.stream, self.total, self.label, self.items = stream, max(total, 0), label, items
        self.done = 0
        self.started = time.monotonic()
        self.tty = stream.isatty()
        self.drawn = 0

    def update(self, count: int, detail: str = "") -> None:
        """Count `count` more items done and show the line (`detail`: what the command wants to add)."""
        self.done += count
        rate = self.done / max(time.monotonic() - self.started, 1e-6)
        count_text = f"{self.done}/{self.total} {self.items}".rstrip()
        text = " · ".join(part for part in (count_text, detail, f"{rate:.0f}/s") if part)
        if self.tty:
            filled = BAR_WIDTH * self.done // self.total if self.total else BAR_WIDTH
            line = f"{self.label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {text}"
            line = line[:max(shutil.get_terminal_size().columns - 1, 20)]
            self._write("\r" + line.ljust(self.drawn))
            self.drawn = len(line)
        else:
            self._write(f"{self.label}: {text}\n")

    def close(self) -> None:
        """End the redrawn line so that what follows starts on its own line."""
        if self.tty and self.drawn:
            self._write("\n")
            self.drawn = 0

    def _write(self, text: str) -> None:
        if isinstance(self.stream, OutputWrapper):  # no added newline, no error style (bold red on stderr)
            self.stream.write(text, style_func=str, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()
