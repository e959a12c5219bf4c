"""The Optional block in the plain xblock-sdk workbench runtime (nested editing, labels) and in the standalone
runtime (its content is never counted for completion; problems inside still count for grades)."""
from __future__ import annotations

import json

import pytest
from workbench.runtime import WorkbenchRuntime
from xblock.completable import XBlockCompletionMode
from xblock.fields import ScopeIds

from credential_admin.demo.seed import COURSE_FOLDER, COURSE_KEY
from credential_admin.standalone.loader import load_course_folder
from credential_admin.standalone.runtime import StandaloneRuntime
from credential_xblock.optional import OptionalBlock

pytestmark = pytest.mark.django_db
SCENARIO = """
<credential_optional display_name="Further reading">
  <html_demo><p>First optional text.</p></html_demo>
  <html_demo><p>Second optional text.</p></html_demo>
</credential_optional>
"""


@pytest.fixture
def workbench():
    runtime = WorkbenchRuntime(user_id="author")
    block = runtime.get_block(runtime.parse_xml_string(SCENARIO))
    return runtime, block


def test_children_render_in_order_each_with_the_optional_label(workbench):
    _, block = workbench
    html = block.runtime.render(block, "student_view").body_html()
    assert html.index("First optional text.") < html.index("Second optional text.")
    assert html.count('class="cx-optional-label">Optional</span>') == 2
    assert "does not count toward course completion" in html


def test_author_edit_view_lists_children_and_offers_nested_add_buttons(workbench):
    _, block = workbench
    fragment = block.author_view({"root_xblock": block})
    html = fragment.body_html()
    assert "First optional text." in html and "Second optional text." in html
    for category in ("html", "problem", "video"):
        assert f'data-category="{category}"' in html, category
    assert fragment.js_init_fn == "StudioContainerXBlockWithNestedXBlocksMixin"


def test_a_child_added_in_the_workbench_is_saved_and_rendered(workbench):
    runtime, block = workbench
    definition = runtime.id_generator.create_definition("html_demo")
    usage = runtime.id_generator.create_usage(definition)
    child = runtime.construct_xblock("html_demo", ScopeIds("author", "html_demo", definition, usage),
                                     for_parent=block)
    child.content = "<p>Added in the editor.</p>"
    child.save()
    block.children.append(usage)
    block.save()
    reloaded = runtime.get_block(block.scope_ids.usage_id)
    assert len(reloaded.children) == 3
    html = reloaded.author_view({"root_xblock": reloaded}).body_html()
    assert "Added in the editor." in html
    assert reloaded.runtime.render(reloaded, "student_view").body_html().count("cx-optional-label") == 3


def test_optional_is_excluded_from_completion_by_class():
    assert XBlockCompletionMode.get_mode(OptionalBlock) == XBlockCompletionMode.EXCLUDED


def test_optional_content_is_not_counted_but_still_graded(db):
    course = load_course_folder(COURSE_FOLDER)
    units = {unit["title"]: unit for chapter in course.structure["chapters"]
             for seq in chapter["sequentials"] for unit in seq["units"]}
    # A unit mixing required text and an Optional block counts only the required text.
    assert units["How this course works"]["counted"] == [
        f"block-v1:{COURSE_KEY[10:]}+type@html+block@how_it_works_text"]
    # Units holding only Optional content (or only Credential blocks) have nothing to count.
    assert units["Further reading"]["counted"] == units["Self-check"]["counted"] == []
    assert units["Your credentials"]["counted"] == []
    runtime = StandaloneRuntime(COURSE_KEY)
    optional = runtime.get_block(f"block-v1:{COURSE_KEY[10:]}+type@credential_optional+block@extra_quiz_optional")
    assert [child.block_id for child in optional.children] == ["extra_q1"]


def test_studio_edits_the_optional_blocks_name(db, client, staff_user):
    load_course_folder(COURSE_FOLDER)
    client.force_login(staff_user)
    usage = f"block-v1:{COURSE_KEY[10:]}+type@credential_optional+block@background_optional"
    page = client.get(f"/courses/{COURSE_KEY}/studio/{usage}/")
    assert page.status_code == 200 and b"Display name" in page.content
    response = client.post(f"/courses/{COURSE_KEY}/studio/{usage}/handler/submit_studio_edits/",
                           data=json.dumps({"values": {"display_name": "Background"}, "defaults": []}),
                           content_type="application/json")
    assert response.status_code == 200
    assert StandaloneRuntime(COURSE_KEY).get_block(usage).display_name == "Background"
