"""The Optional block: a container whose content does not count toward completion, here or in the platform.

`completion_mode = EXCLUDED` on the class (the platform's `get_mode` reads the class) takes the wrapper and its
children out of unit completion and of the completion aggregator; the standalone backend skips it the same way.
Problems inside still count toward grades (OPENEDX.md Pitfall 6). Children are authored as nested blocks in
Studio's container page; the Authoring MFE unit editor cannot add children to containers yet (see README).
"""
from __future__ import annotations

from web_fragments.fragment import Fragment
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Scope, String
from xblock.utils.resources import ResourceLoader
from xblock.utils.studio_editable import (
    NestedXBlockSpec,
    StudioContainerWithNestedXBlocksMixin,
    StudioEditableXBlockMixin,
)

from credential_xblock.credential import asset
from credential_xblock.handlers import StaffOnlyStudioEditsMixin
from credential_xblock.i18n import translator_for
from credential_xblock.rules import N_

loader = ResourceLoader(__name__)

# Components authors commonly wrap; anything else can still be nested through OLX import.
NESTED_TYPES = (("html", N_("Text")), ("problem", N_("Problem")), ("video", N_("Video")))


@XBlock.wants("i18n", "mako", "user")
class OptionalBlock(StaffOnlyStudioEditsMixin, StudioContainerWithNestedXBlocksMixin, StudioEditableXBlockMixin,
                    XBlock):
    """Wraps content that learners may skip: shown with an "Optional" label, never counted for completion."""

    completion_mode = XBlockCompletionMode.EXCLUDED
    has_children = True
    CATEGORY = "credential_optional"
    STUDIO_LABEL = N_("Optional content")

    display_name = String(
        display_name=N_("Display name"),
        help=N_("Shown to authors in Studio's outline."),
        default=N_("Optional content"),
        scope=Scope.settings,
    )
    editable_fields = ("display_name",)  # a plain string: the stock Studio form handles it safely

    @property
    def allowed_nested_blocks(self) -> list[NestedXBlockSpec]:
        gettext = translator_for(self).gettext
        return [NestedXBlockSpec(None, category=category, label=gettext(label)) for category, label in NESTED_TYPES]

    def student_view(self, context: dict | None = None) -> Fragment:
        """Every child in order, each under an "Optional" label; the note explains what optional means here."""
        fragment = Fragment()
        children = []
        for child_id in self.children:
            child = self.runtime.get_block(child_id)
            child_fragment = child.render("student_view", context or {})
            fragment.add_fragment_resources(child_fragment)
            children.append(child_fragment.content)
        fragment.add_content(loader.render_django_template(
            "templates/optional.html", {"children": children}, i18n_service=self.runtime.service(self, "i18n")))
        fragment.add_css(asset("credential.css"))
        return fragment

    def author_view(self, context: dict | None = None) -> Fragment:
        """Studio: the nested editor on the block's own container page, else a preview (compared by usage id,
        since not every runtime gives blocks a `location`)."""
        context = context or {}
        root = context.get("root_xblock")
        if root is not None and root.scope_ids.usage_id == self.scope_ids.usage_id:
            return self.author_edit_view(context)
        return self.author_preview_view(context)

    def render_children(self, context, fragment, can_reorder=True, can_add=False):
        """Studio's reorderable child list; runtimes without Studio's mako service get a plain list instead."""
        if self.runtime.service(self, "mako") is not None:
            return super().render_children(context, fragment, can_reorder=can_reorder, can_add=can_add)
        for child_id in self.children:
            child = self.runtime.get_block(child_id)
            view = "author_view" if hasattr(child, "author_view") else "student_view"
            child_fragment = child.render(view, dict(context or {}))
            fragment.add_fragment_resources(child_fragment)
            fragment.add_content(f'<div class="cx-optional-child" data-usage-id="{child_id}">'
                                 f"{child_fragment.content}</div>")
        return None
