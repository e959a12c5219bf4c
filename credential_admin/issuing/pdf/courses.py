"""The courses of a Learning Path certificate: one line on the first page when they fit, else a second page.

A path credential's facts carry its courses in the path's order. A few short titles are printed under the path's
title; more than that (or long titles) get their own page listing every course, and the first page says so.
"""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .document import draw_form
from .spec import PAGE_SIZES
from .text import box_operators

FIRST_PAGE_COURSES = 4  # at most this many titles, joined, on the first page
FIRST_PAGE_CHARACTERS = 110  # and no more characters than fit its two lines


def on_first_page(courses: tuple[str, ...]) -> bool:
    return len(courses) <= FIRST_PAGE_COURSES and len(" · ".join(courses)) <= FIRST_PAGE_CHARACTERS


def summary(facts) -> str:
    """The first page's line about the courses: their titles, or where they are listed."""
    count = len(facts.courses)
    if on_first_page(facts.courses):
        return ngettext("{count} course: {titles}", "{count} courses: {titles}", count).format(
            count=count, titles=" · ".join(facts.courses))
    return ngettext("{count} course, listed on the next page", "{count} courses, listed on the next page",
                    count).format(count=count)


def draw_list_page(canvas, facts, template, chain) -> None:
    """The second page: the path's title and every course, numbered, in one centred column (two when long)."""
    from .builtin import GOLD, GREY, NAVY, border  # builtin imports this module for `summary`

    width, height = PAGE_SIZES[template.page_size]
    fonts, ops = canvas.fonts, border(width, height)

    def text(value: str, x: float, y: float, w: float, size: float, color: str, align: str = "left") -> None:
        box = box_operators(fonts, value, chain, None, (x, y, w, size * 1.3), size=size, align=align)
        ops.append(f"q {color} rg {box} Q")

    text(facts.title, 60, height - 110, width - 120, 22, NAVY, "center")
    text(_("Courses of this learning path"), 60, height - 140, width - 120, 12, GREY, "center")
    ops.append(f"{GOLD} RG 0.6 w {width / 2 - 60} {height - 150} m {width / 2 + 60} {height - 150} l S")
    rows = int(max(1, (height - 250) // 24))
    columns = 1 if len(facts.courses) <= rows else 2
    column = (width - 160) / 2 if columns == 2 else width * 0.5
    left = 80 if columns == 2 else width * 0.25
    for index, title in enumerate(facts.courses):
        x = left + (index // rows) * (column + 10)
        text(f"{index + 1}. {title}", x, height - 190 - (index % rows) * 24, column, 11.5, NAVY)
    text(_("Verification code: {code}").format(code=facts.short_code), 60, 46, width - 120, 9, GREY, "center")
    draw_form(canvas, "courses", "\n".join(ops).encode())
