"""A Studio save in the standalone runtime is a publish: the app's own start-up connects the receivers, so the
credential configuration follows the block without any command (no test here connects them by hand)."""
import re

import pytest

from credential_admin.models import CredentialConfig
from tests.sqlite.test_blocks_studio import ACHIEVEMENT, GOOD, submit

pytestmark = pytest.mark.django_db


def test_studio_save_updates_the_synced_configuration(course, client, staff_user,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, staff_user, {**GOOD, "min_grade": "85"})
    assert response.status_code == 200
    config = CredentialConfig.objects.get(usage_key=ACHIEVEMENT)
    assert config.criteria == {"min_completion": None, "min_grade": "85", "min_type_grades": {"Final Exam": "75"}}
    assert config.is_published


def test_studio_save_is_audited_under_the_user_who_saved(course, client, staff_user,
                                                         django_capture_on_commit_callbacks, django_user_model):
    from credential_admin.models import AuditLog

    with django_capture_on_commit_callbacks(execute=True):
        submit(client, staff_user, {**GOOD, "min_grade": "85"})
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, staff_user, {**GOOD, "min_grade": "86"})
    entries = AuditLog.objects.filter(config__usage_key=ACHIEVEMENT).order_by("id")
    assert [(entry.action, entry.actor) for entry in entries] == [("config_created", staff_user),
                                                                   ("config_updated", staff_user)]
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "pw"))
    page = client.get("/admin/credential_admin/auditlog/").content.decode()
    whos = re.findall(r'<td class="field-who">([^<]*)</td>', page)
    assert whos and set(whos) == {staff_user.username}


def test_platform_blocks_name_their_publisher(staff_user):
    """On the platform the publish signal names nobody: the modulestore's `published_by` on the block does."""
    from credential_admin.configs import PublishedBlock, sync_course
    from credential_admin.models import AuditLog

    fields = {"display_name": "Completion", "level": "completion", "min_completion": "90", "min_grade": "",
              "min_type_grades": {}, "allowed_modes": [], "available_from": "", "template": "", "description": ""}
    sync_course("course-v1:Org+X+1", [PublishedBlock("block-v1:Org+X+1+type@credential+block@c", fields,
                                                     staff_user.pk)])
    assert AuditLog.objects.get(action="config_created").actor == staff_user
