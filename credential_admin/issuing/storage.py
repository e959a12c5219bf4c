"""Where certificate files live: any Django storage (local files by default, `PrivateS3Storage` for S3).

Each credential row owns one deterministic key, so a retry or a rerun after a crash overwrites its own file and
never leaves an orphan. Every storage failure surfaces as `StorageError`, which the tasks retry with backoff.
"""
from __future__ import annotations

import os
import queue
import threading

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.crypto import salted_hmac
from django.utils.http import content_disposition_header

from credential_admin import conf

PREFIX = "credentials"


class StorageError(Exception):
    """The certificate file could not be written or read (outage, permissions, timeout)."""


def get_storage() -> Storage:
    """The storage configured by CREDENTIAL_XBLOCK_STORAGE (a key of Django's STORAGES)."""
    return storages[conf.get("STORAGE") or "default"]


def key_for(config_id: int, verification_id: str, extension: str = "pdf") -> str:
    """The file name of one credential (a badge's is its image): stable for the row, so that a retry overwrites
    its own file, and unguessable from outside. It is a keyed hash (the site's SECRET_KEY) of the verification id,
    never the public id itself, and never shown: where a storage serves its files publicly, knowing a credential's
    id does not lead past the download view's checks to its file."""
    token = salted_hmac("credential_admin.issuing.storage.key_for", verification_id, algorithm="sha256").hexdigest()
    return f"{PREFIX}/{config_id}/{token[:40]}.{extension}"


def store(key: str, data: bytes) -> None:
    """Write `data` under exactly `key`, replacing any earlier attempt's file."""
    storage = get_storage()
    try:
        if type(storage) is FileSystemStorage:  # exactly: a subclass may change how files are saved
            _replace_local(storage, key, data)
            return
        if not getattr(storage, "file_overwrite", False) and storage.exists(key):
            storage.delete(key)
        saved = storage.save(key, ContentFile(data))
    except Exception as exc:  # any backend's failure: boto, OS, network
        raise StorageError(f"{type(exc).__name__}: {exc}") from exc
    if saved != key:
        raise StorageError(f"The storage saved {saved!r} instead of {key!r}.")


class Writer:
    """Stores files in order, in a thread of its own, while the caller goes on (renders the next certificate): a
    store mostly waits on the disk or the network, and the caller's work hides that wait. At most `depth` files
    wait in memory. After the first failure nothing more is stored and `store` raises it.

    Use `store` where `store()` would be called, then `close()`: `stored` lists the keys written, `failure` holds
    the key and error of the store that failed, if one did."""

    def __init__(self, depth: int = 8) -> None:
        self._waiting: queue.Queue[tuple[str, bytes] | None] = queue.Queue(depth)
        self.stored: list[str] = []
        self.failure: tuple[str, StorageError] | None = None
        self._thread = threading.Thread(target=self._run, name="credential-storage-writer", daemon=True)
        self._thread.start()

    def store(self, key: str, data: bytes) -> None:
        if self.failure is not None:
            raise self.failure[1]
        self._waiting.put((key, data))

    def close(self) -> None:
        """Wait until every file handed over is stored, or the first failure."""
        self._waiting.put(None)
        self._thread.join()

    def _run(self) -> None:
        while (item := self._waiting.get()) is not None:
            if self.failure is not None:
                continue
            try:
                store(*item)
            except StorageError as exc:
                self.failure = (item[0], exc)
            else:
                self.stored.append(item[0])


def _replace_local(storage: FileSystemStorage, key: str, data: bytes) -> None:
    """Local files: written beside the target and renamed over it, so a reader sees the old file or the new one,
    never half of one; one write and one rename instead of Django's exists / delete / unique-name / save round.
    The folder is made only when the write finds it missing (once per configuration, not once per file)."""
    path = storage.path(key)
    temporary = os.path.join(os.path.dirname(path), f".tmp-{os.getpid()}-{threading.get_ident()}")
    try:
        _write(temporary, data)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        _write(temporary, data)
    if storage.file_permissions_mode is not None:
        os.chmod(temporary, storage.file_permissions_mode)
    os.replace(temporary, path)


def _write(path: str, data: bytes) -> None:
    """Write a whole private file (0600 until the storage's permissions are applied)."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
    finally:
        os.close(handle)


def delete(key: str) -> None:
    """Remove a stored file (account retirement, cleanup)."""
    try:
        get_storage().delete(key)
    except Exception as exc:
        raise StorageError(f"{type(exc).__name__}: {exc}") from exc


def download_response(key: str, filename: str, content_type: str = "application/pdf") -> HttpResponse:
    """The file for an already authorised request: a short-lived presigned URL when the storage signs URLs
    (S3), otherwise the bytes streamed by Django."""
    storage = get_storage()
    disposition = content_disposition_header(as_attachment=True, filename=filename)  # saved, not opened in a tab
    if getattr(storage, "querystring_auth", False):
        ttl = conf.get("DOWNLOAD_URL_TTL")
        url = storage.url(key, parameters={"ResponseContentDisposition": disposition,
                                           "ResponseContentType": content_type}, expire=ttl)
        response: HttpResponse = HttpResponseRedirect(url)
    else:
        try:
            handle = storage.open(key, "rb")
        except Exception as exc:
            raise StorageError(f"{type(exc).__name__}: {exc}") from exc
        response = FileResponse(handle, content_type=content_type, filename=filename)
        response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
