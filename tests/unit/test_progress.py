"""The shared progress line of long commands: redrawn in place on a terminal, plain lines elsewhere."""
import io

from django.core.management.base import OutputWrapper
from django.core.management.color import color_style

from credential_admin.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_line_is_redrawn_padded_and_unstyled(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    terminal = Terminal()
    stream = OutputWrapper(terminal)
    stream.style_func = color_style(force_color=True).ERROR  # what Django gives stderr
    progress = Progress(stream, 4, "Cert", "learners")
    progress.update(2, "a much longer detail")
    progress.update(2)
    progress.close()
    first, second = terminal.getvalue()[1:].split("\r")
    assert first.startswith("Cert [###############...............] 2/4 learners · a much longer detail · ")
    assert second.startswith("Cert [##############################] 4/4 learners · ")
    assert len(second) == len(first) + 1 and second.endswith(" \n")  # padded over the longer line, then ended
    assert "\x1b" not in terminal.getvalue()


def test_narrow_terminal_cuts_the_line(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    terminal = Terminal()
    Progress(terminal, 10, "A long credential name", "learners").update(5, "detail")
    assert terminal.getvalue() == "\r" + "A long credential name [###############."[:39]


def test_off_a_terminal_one_plain_line_per_update():
    out = io.StringIO()
    progress = Progress(OutputWrapper(out), 3, "Cert")
    progress.update(1, "x")
    progress.update(2)
    progress.close()
    lines = out.getvalue().splitlines()
    assert [line.split(" · ")[:2] for line in lines] == [["Cert: 1/3", "x"], ["Cert: 3/3", lines[1].split(" · ")[1]]]
    assert lines[1].endswith("/s") and "\r" not in out.getvalue()
