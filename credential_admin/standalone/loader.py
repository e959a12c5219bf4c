"""Load a course folder (OLX + grading policy) into the standalone runtime, and compute its outline.

A course folder holds ``course.xml`` and a grading policy. ``course.xml`` is either the whole tree inline or the
platform's export layout, where an element carrying nothing but ``url_name`` (and, for the root, ``org`` and
``course``) points to ``<tag>/<url_name>.xml``. The grading policy is ``grading_policy.json`` beside it or
``policies/<run>/grading_policy.json`` (the export layout). Loading again replaces the course's content and keeps
learners' state, scores and completions (usage ids come from ``url_name``, so they are stable).

The outline (`Course.structure`) is what the backend and the pages read, computed at every publish (a load, or a
Studio save, which in standalone mode is also a publish):

    {"root": usage, "chapters": [{"id", "title", "sequentials": [{"id", "title", "format", "graded", "locked",
      "problems": {usage: max_score}, "units": [{"id", "title", "locked", "counted": [usage, ...],
      "components": [usage, ...]}]}]}], "blocks": {usage: block_type}}

`counted` follows DESIGN.md "Rules, precisely" (see credential_admin.backends.units).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.db import transaction
from lxml import etree

from credential_admin.backends.units import children as _children
from credential_admin.backends.units import unit_counted_keys

from . import grading
from .models import BlockState, Course
from .runtime import AUTHOR_SCOPES, LoadError, StandaloneRuntime, course_key_of
from .signals import course_published

POINTER_ATTRIBUTES = frozenset({"url_name", "org", "course"})
MAX_OLX_BYTES = 20 * 1024 * 1024
URL_NAME = re.compile(r"(?!\.\.?$)[A-Za-z0-9_.:-]{1,255}")


def load_course_folder(folder: str | Path, course_key: str | None = None) -> Course:
    """Load (or reload) the course in `folder`; raise LoadError saying what is wrong, changing nothing."""
    folder = Path(folder)
    course_file = folder / "course.xml"
    if not course_file.is_file():
        raise LoadError(f"{folder} has no course.xml.")
    root = resolve_pointers(_parse_file(course_file), folder)
    if root.tag != "course":
        raise LoadError(f"The root element of course.xml is <{root.tag}>, expected <course>.")
    key = course_key or _course_key_from(root)
    policy = _read_policy(folder, root.get("url_name", ""))
    return load_course(key, etree.tostring(root, encoding="unicode"), policy)


def load_course(course_key: str, olx: str, grading_policy: dict) -> Course:
    """Load a course from one OLX document and a grading policy dict (what `load_course_folder` reads)."""
    key = course_key_of(course_key)
    try:
        grading.parse_policy(grading_policy)
    except grading.GradingPolicyError as exc:
        raise LoadError(f"Grading policy: {exc}") from None
    root = _parse_string(olx)
    root.set("url_name", root.get("url_name") or key.run)
    for name in ("org", "course"):  # already in the course key
        root.attrib.pop(name, None)
    # Parse and check the whole course in memory first: a course that cannot be loaded writes nothing.
    runtime = StandaloneRuntime(key, studio=True, buffered=True)
    root_key = runtime.parse_xml_string(etree.tostring(root, encoding="unicode"))
    check_blocks(runtime.get_block(root_key))
    with transaction.atomic():
        course, _ = Course.objects.get_or_create(course_key=str(key), defaults={"title": key.course})
        BlockState.objects.filter(course_key=str(key), user_id=0, scope__in=AUTHOR_SCOPES).delete()
        runtime.store.flush()
        course.olx = olx
        course.grading_policy = grading_policy
        try:
            course.structure = build_outline(StandaloneRuntime(key), root_key)
        except (ValueError, TypeError) as exc:  # rolled back with everything else
            raise LoadError(f"The course outline cannot be built: {exc}") from None
        course.title = course.structure["title"] or key.course
        course.save()
        transaction.on_commit(lambda: course_published.send(sender=Course, course_key=str(key)))
    return course


def check_blocks(root) -> None:
    """LoadError listing every block whose OLX values no editor would save (blocks that offer `olx_errors`)."""
    problems = []
    stack = [root]
    while stack:
        block = stack.pop()
        for message in getattr(block, "olx_errors", lambda: [])():
            problems.append(f"<{block.scope_ids.block_type} url_name=\"{block.scope_ids.usage_id.block_id}\">: "
                            f"{message}")
        stack.extend(_children(block))
    if problems:
        raise LoadError("The course was not loaded: " + " ".join(problems))


def publish(course_key: str, user=None) -> Course:
    """Recompute the outline after an edit (a Studio save by `user`) and announce the publish."""
    with transaction.atomic():
        course = Course.objects.select_for_update().get(course_key=course_key)
        course.structure = build_outline(StandaloneRuntime(course_key), course.structure["root"])
        course.title = course.structure["title"] or course.title
        course.save()
        transaction.on_commit(lambda: course_published.send(sender=Course, course_key=course_key,
                                                                  user=user))
    return course


def build_outline(runtime: StandaloneRuntime, root_key) -> dict[str, Any]:
    """The course outline with, per unit, the blocks that count for completion and, per subsection, its problems."""
    course = runtime.get_block(root_key)
    blocks: dict[str, str] = {}
    _index(course, blocks)
    chapters = []
    for chapter in course.get_children():
        sequentials = []
        for sequential in chapter.get_children():
            units = [_unit(vertical, sequential) for vertical in sequential.get_children()]
            sequentials.append({
                "id": str(sequential.scope_ids.usage_id), "title": sequential.display_name,
                "format": getattr(sequential, "format", "") or "", "graded": bool(getattr(sequential, "graded", False)),
                "locked": bool(getattr(sequential, "locked", False)),
                "problems": _problems(sequential), "units": units,
            })
        chapters.append({"id": str(chapter.scope_ids.usage_id), "title": chapter.display_name,
                         "sequentials": sequentials})
    return {"root": str(root_key), "title": course.display_name, "chapters": chapters, "blocks": blocks}


def _index(block, blocks: dict[str, str]) -> None:
    blocks[str(block.scope_ids.usage_id)] = block.scope_ids.block_type
    for child in _children(block):
        _index(child, blocks)


def _unit(vertical, sequential) -> dict[str, Any]:
    counted = unit_counted_keys(vertical)
    return {
        "id": str(vertical.scope_ids.usage_id), "title": vertical.display_name,
        "locked": bool(getattr(vertical, "locked", False) or getattr(sequential, "locked", False)),
        "counted": counted, "components": [str(child.scope_ids.usage_id) for child in _children(vertical)],
    }


def _problems(sequential) -> dict[str, float]:
    """Every scored block of the subsection with its maximum score (problems inside Optional content count too)."""
    problems: dict[str, float] = {}
    stack = list(_children(sequential))
    while stack:
        block = stack.pop(0)
        if getattr(block, "has_score", False):
            problems[str(block.scope_ids.usage_id)] = float(block.max_score() or 0)
        stack.extend(_children(block))
    return problems


def resolve_pointers(node: etree._Element, folder: Path) -> etree._Element:
    """Inline the export layout's pointer elements (``<chapter url_name="x"/>`` → ``chapter/x.xml``), reading
    only files inside the course folder: a url_name is a name, never a path."""
    if len(node) == 0 and "url_name" in node.attrib and set(node.attrib) <= POINTER_ATTRIBUTES:
        url_name = node.get("url_name")
        if not URL_NAME.fullmatch(url_name) or not URL_NAME.fullmatch(str(node.tag)):
            raise LoadError(f"<{node.tag} url_name={url_name!r}> at line {node.sourceline}: a url_name and a tag "
                            f"may hold only letters, digits, '_', '-', '.' and ':' (no path).")
        target = folder / node.tag / f"{url_name}.xml"
        if not target.resolve().is_relative_to(folder.resolve()):
            raise LoadError(f"<{node.tag} url_name={url_name!r}>: {target} is outside the course folder.")
        if target.is_file():
            loaded = _parse_file(target)
            for name, value in node.attrib.items():
                loaded.set(name, loaded.get(name, value))
            node = loaded
    for index, child in enumerate(list(node)):
        if isinstance(child.tag, str):
            resolved = resolve_pointers(child, folder)
            if resolved is not child:
                node[index] = resolved
    return node


def _course_key_from(root: etree._Element) -> str:
    org, number, run = root.get("org"), root.get("course"), root.get("url_name")
    if not (org and number and run):
        raise LoadError("<course> needs org, course and url_name attributes (or pass a course key).")
    return f"course-v1:{org}+{number}+{run}"


def _read_policy(folder: Path, run: str) -> dict:
    for candidate in (folder / "grading_policy.json", folder / "policies" / run / "grading_policy.json"):
        if candidate.is_file():
            try:
                return json.loads(candidate.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise LoadError(f"{candidate} is not valid JSON: {exc}") from None
    raise LoadError(f"{folder} has no grading_policy.json (nor policies/<run>/grading_policy.json).")


def _parser() -> etree.XMLParser:
    # No entities, no network: OLX comes from authors but is still input.
    return etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)


def _parse_file(path: Path) -> etree._Element:
    if path.stat().st_size > MAX_OLX_BYTES:
        raise LoadError(f"{path} is larger than {MAX_OLX_BYTES // (1024 * 1024)} MB.")
    try:
        return _no_doctype(etree.parse(str(path), _parser()).getroot(), str(path))
    except etree.XMLSyntaxError as exc:
        raise LoadError(f"{path}: {exc}") from None


def _parse_string(olx: str) -> etree._Element:
    try:
        return _no_doctype(etree.fromstring(olx.encode("utf-8"), _parser()), "The OLX")
    except etree.XMLSyntaxError as exc:
        raise LoadError(f"The OLX is not well-formed XML: {exc}") from None


def _no_doctype(root: etree._Element, where: str) -> etree._Element:
    """OLX has no DTDs; refusing them rules out entity tricks."""
    if root.getroottree().docinfo.doctype:
        raise LoadError(f"{where} has a DOCTYPE declaration; OLX must not declare one.")
    return root
