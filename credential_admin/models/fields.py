"""Model fields with a database-independent meaning."""
from __future__ import annotations

from django.db import models

# MySQL/MariaDB compare with the column's collation, case-insensitive by default (utf8mb4_general_ci); PostgreSQL
# and SQLite compare byte for byte already.
BINARY_COLLATIONS = {"mysql": "utf8mb4_bin"}


class ExactCharField(models.CharField):
    """A CharField compared exactly on every database: ids and codes that differ only in case are different
    values, in lookups and in unique indexes (a binary collation where the default would fold case)."""

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if self.db_collation is None and connection.vendor in BINARY_COLLATIONS:
            params["collation"] = BINARY_COLLATIONS[connection.vendor]
        return params
