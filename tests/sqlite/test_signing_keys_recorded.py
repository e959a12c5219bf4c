"""Public keys are recorded in the caller's transaction, so a rollback never leaves a key unrecorded for good."""
import base64

import pytest
from django.db import transaction

from credential_admin.issuing import signing
from credential_admin.models import SigningKey

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys(settings):
    """Two signing keys in settings ("old", "new"), no keys file."""
    settings.CREDENTIAL_XBLOCK_SIGNING_KEYS = {key_id: base64.b64encode(bytes([n]) * 32).decode()
                                               for n, key_id in enumerate(("old", "new"), start=1)}
    settings.CREDENTIAL_XBLOCK_SIGNING_KEYS_FILE = ""
    settings.CREDENTIAL_XBLOCK_ACTIVE_KEY_ID = ""


class Rollback(Exception):
    pass


def test_keys_rolled_back_are_recorded_again(keys):
    with pytest.raises(Rollback), transaction.atomic():
        signing.register_public_keys()
        assert set(SigningKey.objects.values_list("key_id", flat=True)) == {"old", "new"}
        raise Rollback
    assert not SigningKey.objects.exists()
    signing.register_public_keys()
    assert set(SigningKey.objects.values_list("key_id", flat=True)) == {"old", "new"}
