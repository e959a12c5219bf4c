"""Ids and codes are compared exactly on the real database (MariaDB's default collation folds case): two ids
that differ only in case are two credentials, and looking one up never finds the other."""
import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from credential_admin.models import Credential
from credential_admin.verification import records

pytestmark = [pytest.mark.integration]
UPPER, LOWER = "AbCdEfGhIjKlMnOpQrStUvWx", "abcdefghijklmnopqrstuvwx"


def column_collation(column: str) -> str | None:
    if connection.vendor != "mysql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                       "AND TABLE_NAME = %s AND COLUMN_NAME = %s", [Credential._meta.db_table, column])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_ids_and_codes_differing_in_case_are_distinct(make_config):
    config = make_config()
    users = [get_user_model().objects.create_user(name) for name in ("upper", "lower")]
    first = Credential.objects.create(user=users[0], config=config, verification_id=UPPER, short_code="ABCDEFGH",
                                      status=Credential.Status.ISSUED)
    # The unique index would refuse this row under a case-folding collation.
    second = Credential.objects.create(user=users[1], config=config, verification_id=LOWER, short_code="abcdefgh",
                                       status=Credential.Status.ISSUED)
    assert Credential.objects.get(verification_id=UPPER).pk == first.pk
    assert Credential.objects.get(verification_id=LOWER).pk == second.pk
    assert not Credential.objects.filter(verification_id=UPPER.upper()).exists()
    assert Credential.objects.filter(short_code="ABCDEFGH").get().pk == first.pk
    assert records.find(UPPER).pk == first.pk and records.find(LOWER).pk == second.pk
    assert records.find("ABCDEFGHIJKLMNOPQRSTUVWX") is None
    if connection.vendor == "mysql":
        assert (column_collation("verification_id"), column_collation("short_code")) == ("utf8mb4_bin",) * 2
