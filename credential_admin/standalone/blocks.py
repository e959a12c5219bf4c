"""The blocks the standalone runtime supplies itself: the course structure and two demo content types.

In the LMS these types are the platform's own (course, chapter, sequential, vertical, html, problem), so they are
never registered as ``xblock.v1`` entry points: `StandaloneRuntime.load_block_type` maps them here.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from html import escape

from lxml import etree
from web_fragments.fragment import Fragment
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError
from xblock.fields import Boolean, Float, Integer, List, Scope, String
from xblock.utils.studio_editable import StudioEditableXBlockMixin
from xblock.validation import ValidationMessage

from credential_xblock.handlers import StaffOnlyStudioEditsMixin


class _Container(XBlock):
    """A structural block: renders its children in order; completion aggregates over them."""

    has_children = True
    completion_mode = XBlockCompletionMode.AGGREGATOR
    display_name = String(scope=Scope.settings, default="")

    def student_view(self, context=None):
        frag = Fragment()
        parts = []
        for child in self.get_children():
            child_frag = self.runtime.render_child(child, "student_view", context)
            frag.add_fragment_resources(child_frag)
            parts.append(f'<div class="unit-component">{child_frag.body_html()}</div>')
        frag.add_content("".join(parts))
        return frag


class CourseBlock(_Container):
    """The course root."""


class ChapterBlock(_Container):
    """A section."""


class SequentialBlock(_Container):
    """A subsection: carries the assignment type (`format`) and whether it is graded; can be locked."""

    format = String(scope=Scope.settings, default="")
    graded = Boolean(scope=Scope.settings, default=False)
    locked = Boolean(scope=Scope.settings, default=False,
                     help="Standalone only: counted for completion but not open to learners (like a gated unit).")


class VerticalBlock(_Container):
    """A unit; `locked` keeps it counted for completion but closed to learners."""

    locked = Boolean(scope=Scope.settings, default=False)


@XBlock.wants("user")
class HtmlBlock(StaffOnlyStudioEditsMixin, StudioEditableXBlockMixin, XBlock):
    """Author-written HTML (trusted, as in Studio). Completes on view."""

    display_name = String(scope=Scope.settings, default="Text")
    content = String(scope=Scope.content, default="", multiline_editor="html")
    editable_fields = ("display_name", "content")

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        block = runtime.construct_xblock_from_class(cls, keys)
        for name, value in node.items():
            cls._set_field_if_present(block, name, value, {})
        inner = (node.text or "") + "".join(etree.tostring(child, encoding=str) for child in node)
        block.content = inner.strip()
        return block

    def student_view(self, context=None):
        return Fragment(f'<div class="html-content">{self.content}</div>')


@XBlock.needs("i18n")
@XBlock.wants("user")
class ProblemBlock(StaffOnlyStudioEditsMixin, StudioEditableXBlockMixin, XBlock):
    """A scored question: multiple choice (``<choice correct="true">``) or numeric (``answer``, ``tolerance``).

    OLX::

        <problem url_name="q1" display_name="Question 1" weight="2">
          <question>What is 2 + 2?</question>
          <choice correct="true">4</choice><choice>5</choice>
        </problem>
        <problem url_name="q2" answer="3.14" tolerance="0.01"><question>Pi to two decimals?</question></problem>

    A submission publishes a ``grade`` event (weight if right, 0 if wrong); the last submission counts.
    """

    has_score = True
    icon_class = "problem"
    display_name = String(scope=Scope.settings, default="Problem")
    question = String(scope=Scope.content, default="")
    choices = List(scope=Scope.content, default=[], help='[{"text": "4", "correct": true}, ...]')
    answer = String(scope=Scope.content, default="", help="The numeric answer, for a numeric problem.")
    tolerance = Float(scope=Scope.content, default=0.0)
    weight = Float(scope=Scope.settings, default=1.0)
    submitted = String(scope=Scope.user_state, default="")
    earned = Float(scope=Scope.user_state, default=None)
    attempts = Integer(scope=Scope.user_state, default=0)
    editable_fields = ("display_name", "question", "choices", "answer", "tolerance", "weight")

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        block = runtime.construct_xblock_from_class(cls, keys)
        for name, value in node.items():
            cls._set_field_if_present(block, name, value, {})
        question = node.find("question")
        block.question = (question.text or "").strip() if question is not None else ""
        block.choices = [
            {"text": (choice.text or "").strip(), "correct": choice.get("correct", "").lower() == "true"}
            for choice in node.findall("choice")
        ]
        return block

    def validate_field_data(self, validation, data):
        """Studio's form: choices as [{"text": "...", "correct": true}], a numeric answer, non-negative numbers."""
        def error(text):
            validation.add(ValidationMessage(ValidationMessage.ERROR, self._(text)))

        if not all(isinstance(choice, dict) and isinstance(choice.get("text"), str)
                   and isinstance(choice.get("correct", False), bool) for choice in data.choices):
            error('Choices are a list of {"text": "...", "correct": true or false}.')
        if data.answer:
            try:
                finite = Decimal(data.answer).is_finite()
            except InvalidOperation:
                finite = False
            if not finite:
                error("The answer must be a number.")
        if data.weight < 0 or data.tolerance < 0:
            error("Weight and tolerance cannot be negative.")

    def max_score(self) -> float:
        return self.weight

    def _(self, text: str) -> str:
        return self.runtime.service(self, "i18n").gettext(text)

    def student_view(self, context=None):
        uid = escape(str(self.scope_ids.usage_id.block_id))
        if self.choices:
            inputs = "".join(
                f'<div><input type="radio" name="answer" id="{uid}-{i}" value="{i}"'
                f'{" checked" if self.submitted == str(i) else ""}>'
                f' <label for="{uid}-{i}">{escape(choice["text"])}</label></div>'
                for i, choice in enumerate(self.choices)
            )
            field = f'<fieldset><legend>{escape(self.question)}</legend>{inputs}</fieldset>'
        else:
            field = (f'<label for="{uid}-answer">{escape(self.question)}</label> '
                     f'<input type="text" inputmode="decimal" name="answer" id="{uid}-answer"'
                     f' value="{escape(self.submitted)}">')
        status = ""
        if self.earned is not None:
            status = self._("Score: {earned} / {possible}").format(earned=_num(self.earned), possible=_num(self.weight))
        frag = Fragment(
            f'<form class="standalone-problem"><h3>{escape(self.display_name)}</h3>{field}'
            f'<button type="submit">{escape(self._("Submit"))}</button>'
            f' <span class="problem-status" role="status" aria-live="polite">{escape(status)}</span></form>'
        )
        frag.add_javascript(PROBLEM_JS)
        frag.initialize_js("StandaloneProblem")
        return frag

    @XBlock.json_handler
    def submit(self, data, suffix=""):
        """Grade an answer; bad input changes nothing and says why."""
        if not isinstance(data, dict):
            raise JsonHandlerError(400, self._('Send a JSON object: {"answer": "..."}.'))
        raw = str(data.get("answer", "")).strip()
        correct = self._check(raw)
        if correct is None:
            return {"ok": False, "message": self._("Enter an answer first.") if not raw
                    else self._("That answer is not valid for this question.")}
        self.submitted, self.attempts = raw, self.attempts + 1
        self.earned = self.weight if correct else 0.0
        self.runtime.publish(self, "grade", {"value": self.earned, "max_value": self.weight})
        message = self._("Score: {earned} / {possible}").format(earned=_num(self.earned), possible=_num(self.weight))
        return {"ok": True, "correct": correct, "earned": self.earned, "possible": self.weight, "message": message}

    def _check(self, raw: str) -> bool | None:
        """True/False for a gradable answer, None for one that cannot be graded."""
        if self.choices:
            if not raw.isdigit() or int(raw) >= len(self.choices):
                return None
            return bool(self.choices[int(raw)].get("correct"))
        try:
            given, expected = Decimal(raw), Decimal(self.answer)
        except InvalidOperation:
            return None
        if not given.is_finite():
            return None
        return abs(given - expected) <= Decimal(str(self.tolerance))


def _num(value: float) -> str:
    return f"{value:g}"


PROBLEM_JS = """
function StandaloneProblem(runtime, element) {
  var form = element.querySelector("form.standalone-problem");
  var status = form.querySelector(".problem-status");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var picked = form.querySelector("input[name=answer]:checked") || form.querySelector("input[type=text]");
    fetch(runtime.handlerUrl(element, "submit"), {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": StandaloneRuntime.csrfToken()},
      body: JSON.stringify({answer: picked ? picked.value : ""})
    }).then(function (response) { return response.json(); })
      .then(function (result) { status.textContent = result.message; });
  });
}
"""

STANDALONE_BLOCKS: dict[str, type[XBlock]] = {
    "course": CourseBlock,
    "chapter": ChapterBlock,
    "sequential": SequentialBlock,
    "vertical": VerticalBlock,
    "html": HtmlBlock,
    "problem": ProblemBlock,
}
