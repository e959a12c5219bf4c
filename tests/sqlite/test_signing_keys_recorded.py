"""Public keys are recorded in the caller's transaction, so a rollback never leaves a key unrecorded for good."""
import pytest
from django.db import transaction

from credential_admin.issuing import signing
from credential_admin.models import SigningKey
from tests.unit.test_signing import keys  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def test_keys_rolled_back_are_recorded_again(keys):  # noqa: F811
    with pytest.raises(Rollback), transaction.atomic():
        signing.register_public_keys()
        assert set(SigningKey.objects.values_list("key_id", flat=True)) == {"old", "new"}
        raise Rollback
    assert not SigningKey.objects.exists()
    signing.register_public_keys()
    assert set(SigningKey.objects.values_list("key_id", flat=True)) == {"old", "new"}
