"""A Studio save in the standalone runtime is a publish: the app's own start-up connects the receivers, so the
credential configuration follows the block without any command (no test here connects them by hand)."""
import pytest

from credential_admin.models import CredentialConfig
from tests.sqlite.test_blocks_studio import ACHIEVEMENT, GOOD, course, submit  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def test_studio_save_updates_the_synced_configuration(course, client, staff_user,  # noqa: F811
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, staff_user, {**GOOD, "min_grade": "85"})
    assert response.status_code == 200
    config = CredentialConfig.objects.get(usage_key=ACHIEVEMENT)
    assert config.criteria == {"min_completion": None, "min_grade": "85", "min_type_grades": {"Final Exam": "75"}}
    assert config.is_published
