"""Right-to-left: the block's, the pages' and the demo's styles use logical properties only, so an Arabic or Hebrew
page mirrors (a threshold marker at `left: N%` sat on the wrong side of a bar filling from the right)."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    *sorted((ROOT / "static" / "credential_xblock").glob("*.css")),
    *sorted((ROOT / "static" / "credential_xblock").glob("*.js")),
    *sorted((ROOT / "credential_xblock" / "templates").glob("*.html")),
    *sorted((ROOT / "credential_admin" / "templates").rglob("*.html")),
    *sorted((ROOT / "credential_admin" / "standalone").rglob("*.css")),
    *sorted((ROOT / "credential_admin" / "standalone").rglob("*.js")),
    *sorted((ROOT / "credential_admin" / "standalone" / "templates").rglob("*.html")),
]
PHYSICAL = [
    re.compile(r"\b(?:margin|padding|border)-(?:left|right)\b"),
    re.compile(r"(?<![-\w])(?:left|right)\s*:"),
    re.compile(r"\.style\.(?:left|right|marginLeft|marginRight|paddingLeft|paddingRight)\b"),
    re.compile(r"\b(?:float|text-align|clear)\s*:\s*(?:left|right)\b"),
]
SHORTHAND = re.compile(r"\b(?:margin|padding|inset)\s*:\s*([^;}\"]+)")


def offences(text: str) -> list[str]:
    found = [match.group(0) for pattern in PHYSICAL for match in pattern.finditer(text)]
    for match in SHORTHAND.finditer(text):
        values = match.group(1).split()
        if len(values) == 4 and values[1] != values[3]:  # top right bottom left: left and right differ
            found.append(match.group(0).strip())
    return found


def test_sources_found():
    assert len(SOURCES) >= 10


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_logical_properties_only(path):
    assert offences(path.read_text(encoding="utf-8")) == [], f"use inline-start/end in {path.relative_to(ROOT)}"


def test_the_check_catches_physical_properties():
    assert offences('<span style="left: 40%">') == ["left:"]
    assert offences(".a { margin: 0 0 0 1rem; padding-right: 2px; float: right }") == [
        "padding-right", "float: right", "margin: 0 0 0 1rem"]
    assert offences(".a { margin: 0 1rem 0 1rem; inset-inline-start: 3%; border-inline-start: 1px }") == []
