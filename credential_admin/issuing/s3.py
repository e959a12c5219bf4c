"""S3 storage for certificates: private objects, server-side encryption, short-lived presigned downloads.

Configure it as a Django storage and point CREDENTIAL_XBLOCK_STORAGE at its alias, e.g.::

    STORAGES["credentials"] = {
        "BACKEND": "credential_admin.issuing.s3.PrivateS3Storage",
        "OPTIONS": {"bucket_name": "certs", "encryption": "aws:kms", "kms_key_id": "alias/certs"},
    }

`encryption` is "AES256" (default) or "aws:kms"; any other django-storages S3 option passes through.
"""
from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from storages.backends.s3 import S3Storage

ENCRYPTIONS = ("AES256", "aws:kms")


class PrivateS3Storage(S3Storage):
    """django-storages' S3Storage with safe defaults that settings cannot silently turn off."""

    def __init__(self, encryption: str = "AES256", kms_key_id: str = "", **settings):
        if encryption not in ENCRYPTIONS:
            raise ImproperlyConfigured(f"encryption must be one of {ENCRYPTIONS}, not {encryption!r}.")
        parameters = dict(settings.pop("object_parameters", None) or {})
        parameters["ServerSideEncryption"] = encryption
        if encryption == "aws:kms" and kms_key_id:
            parameters["SSEKMSKeyId"] = kms_key_id
        settings.setdefault("querystring_expire", 300)
        super().__init__(object_parameters=parameters, default_acl="private", querystring_auth=True,
                         file_overwrite=True, **settings)
