"""The standalone XBlock runtime: the xblock-sdk workbench runtime on a course's OLX, for the demo and the tests.

What differs from the workbench, and why:
- usage ids are opaque-keys ``BlockUsageLocator``s of the course key (``block-v1:Org+Num+Run+type@t+block@url``), so
  ``block.scope_ids.usage_id.context_key`` and edx-completion's UsageKeyField work as in the LMS; a definition is its
  usage (no reuse), so ids need no registry;
- the learner is the logged-in Django user (never the workbench's ``?student=``);
- field data lives in `BlockState` rows, one per block, scope and user;
- services are those the LMS offers our blocks: ``user``, ``completion`` (edx-completion's real CompletionService),
  ``i18n``, ``settings`` and ``field-data``;
- published ``grade`` events feed the local grade store and, as edx-completion's handler does in the LMS, mark the
  problem complete; ``completion`` events go to BlockCompletion.

Structural blocks (course, chapter, sequential, vertical) and the demo's ``html`` and ``problem`` come from
`credential_admin.standalone.blocks`; every other block type loads from its ``xblock.v1`` entry point.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from typing import Any

import yaml
from completion.models import BlockCompletion
from completion.services import CompletionService
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey
from workbench.runtime import WorkbenchI18NService, WorkbenchRuntime
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock, XBlockMixin
from xblock.exceptions import NoSuchDefinition, NoSuchUsage
from xblock.field_data import ReadOnlyFieldData, SplitFieldData
from xblock.fields import Scope, ScopeIds
from xblock.plugin import PluginMissingError
from xblock.reference.user_service import UserService, XBlockUser
from xblock.runtime import IdGenerator, IdReader, KeyValueStore, KvsFieldData

from .blocks import STANDALONE_BLOCKS
from .models import BlockState, Course, Score, full_name, is_course_staff

log = logging.getLogger(__name__)

REFERENCE_SCOPES = {Scope.children.name, Scope.parent.name}
AUTHOR_SCOPES = (Scope.content.name, Scope.settings.name, *REFERENCE_SCOPES)
# Handlers that edit a block's authored fields: served by the Studio route only (each also checks course staff).
STUDIO_HANDLERS = frozenset({"studio_submit", "submit_studio_edits"})


class LoadError(ValueError):
    """A course that cannot be loaded; the message says what to fix."""


def course_key_of(value: str | CourseKey) -> CourseKey:
    """A CourseKey from a string, raising LoadError (a ValueError) with a clear message when it is not one."""
    if isinstance(value, CourseKey):
        return value
    try:
        return CourseKey.from_string(value)
    except InvalidKeyError:
        raise LoadError(f"{value!r} is not a course key (expected e.g. course-v1:Org+Number+Run).") from None


def usage_key_of(value: str | UsageKey) -> UsageKey:
    """A UsageKey from a string; NoSuchUsage when it is not one."""
    if isinstance(value, UsageKey):
        return value
    try:
        return UsageKey.from_string(value)
    except InvalidKeyError:
        raise NoSuchUsage(repr(value)) from None


class CourseIds(IdReader, IdGenerator):
    """Ids of one course: a definition is its usage, and the block type is read off the locator."""

    def __init__(self, course_key: CourseKey):
        self.course_key = course_key

    def get_definition_id(self, usage_id):
        return usage_key_of(usage_id)

    def get_block_type(self, def_id):
        try:
            return usage_key_of(def_id).block_type
        except NoSuchUsage:
            raise NoSuchDefinition(repr(def_id)) from None

    def create_usage(self, def_id):
        return def_id

    def create_definition(self, block_type, slug=None):
        if not slug:
            raise LoadError(f"A <{block_type}> block has no url_name.")
        try:
            return self.course_key.make_usage_key(block_type, slug)
        except InvalidKeyError:
            raise LoadError(f"<{block_type} url_name={slug!r}>: a url_name may hold only letters, digits and "
                            f"'_', '-', '.', '~', ':'.") from None

    # Asides are not supported by the standalone runtime.
    def get_usage_id_from_aside(self, aside_id):
        raise NoSuchUsage(repr(aside_id))

    def get_definition_id_from_aside(self, aside_id):
        raise NoSuchDefinition(repr(aside_id))

    def get_aside_type_from_usage(self, aside_id):
        raise NoSuchUsage(repr(aside_id))

    def get_aside_type_from_definition(self, aside_id):
        raise NoSuchDefinition(repr(aside_id))

    def create_aside(self, definition_id, usage_id, aside_type):
        raise NotImplementedError("The standalone runtime does not support asides.")


class BlockStateStore(KeyValueStore):
    """Field storage in `BlockState` rows: the fields of one (block, scope, user) as one JSON object.

    Rows are read once per runtime (all author rows of the course plus the current user's) and cached. In
    `buffered` mode (loading a course) writes stay in memory until `flush()` creates them in bulk.
    """

    def __init__(self, course_key: CourseKey, user_id: int | None, buffered: bool = False):
        self.course_key = str(course_key)
        self.user_id = user_id or 0
        self.buffered = buffered
        self._rows: dict[tuple[str, str, int], dict] | None = {} if buffered else None
        self._dirty: set[tuple[str, str, int]] = set()

    @staticmethod
    def _row_key(key: KeyValueStore.Key) -> tuple[str, str, int]:
        block = "" if key.block_scope_id is None else str(key.block_scope_id)
        return block, key.scope.name, int(key.user_id or 0)

    def _cache(self) -> dict[tuple[str, str, int], dict]:
        if self._rows is None:
            rows = BlockState.objects.filter(course_key=self.course_key, user_id__in={0, self.user_id})
            self._rows = {(row.block_key, row.scope, row.user_id): row.state for row in rows}
        return self._rows

    def _state(self, row_key: tuple[str, str, int]) -> dict:
        cache = self._cache()
        if row_key not in cache and not row_key[0].startswith("block-v1:"):
            # Type- and user-wide scopes (preferences, user_info) are not rows of this course.
            row = BlockState.objects.filter(block_key=row_key[0], scope=row_key[1], user_id=row_key[2]).first()
            cache[row_key] = row.state if row else {}
        return cache.setdefault(row_key, {})

    def get(self, key):
        state = self._state(self._row_key(key))
        if key.field_name not in state:
            raise KeyError(key.field_name)
        return self._decode(key.scope.name, state[key.field_name])

    def has(self, key):
        return key.field_name in self._state(self._row_key(key))

    def set(self, key, value):
        self.set_many({key: value})

    def set_many(self, update_dict):
        touched = set()
        for key, value in update_dict.items():
            row_key = self._row_key(key)
            self._state(row_key)[key.field_name] = self._encode(value)
            touched.add(row_key)
        self._write(touched)

    def delete(self, key):
        row_key = self._row_key(key)
        self._state(row_key).pop(key.field_name, None)
        self._write({row_key})

    def _write(self, row_keys: set[tuple[str, str, int]]) -> None:
        if self.buffered:
            self._dirty |= row_keys
            return
        for row_key in row_keys:
            block_key, scope, user_id = row_key
            BlockState.objects.update_or_create(
                block_key=block_key, scope=scope, user_id=user_id,
                defaults={"course_key": self._course_of(block_key), "state": self._cache()[row_key]},
            )

    def _course_of(self, block_key: str) -> str:
        """Rows of this course's blocks carry its key; type- and user-wide rows (preferences, user_info) none."""
        return self.course_key if block_key.startswith("block-v1:") else ""

    def flush(self) -> None:
        """Create the buffered rows in bulk (the course's author rows must have been deleted first)."""
        rows = self._cache()
        BlockState.objects.bulk_create(
            BlockState(course_key=self._course_of(key[0]), block_key=key[0], scope=key[1], user_id=key[2],
                       state=rows[key])
            for key in sorted(self._dirty)
        )
        self._dirty.clear()

    @staticmethod
    def _encode(value: Any) -> Any:
        if isinstance(value, UsageKey):
            return str(value)
        if isinstance(value, list):
            return [str(item) if isinstance(item, UsageKey) else item for item in value]
        return value

    @staticmethod
    def _decode(scope: str, value: Any) -> Any:
        if scope == Scope.children.name:
            return [UsageKey.from_string(item) for item in value]
        if scope == Scope.parent.name and value:
            return UsageKey.from_string(value)
        return value


class StandaloneUserService(UserService):
    """The XBlock `user` service for a Django user, with the opt_attrs keys of the LMS (OPENEDX.md §3).

    ``user_is_staff`` is course staff (global staff or a member of the course's staff), as the platform's
    ``has_access(user, "staff", course)``; ``user_is_global_staff`` is ``is_staff``, as its ``GlobalStaff``."""

    def __init__(self, user, course_key: CourseKey):
        authenticated = bool(user is not None and user.is_authenticated)
        course_staff = is_course_staff(user, course_key)
        xuser = XBlockUser(
            is_current_user=True,
            emails=[user.email] if authenticated and user.email else [],
            full_name=full_name(user) if authenticated else None,
        )
        xuser.opt_attrs.update({
            "edx-platform.is_authenticated": authenticated,
            "edx-platform.user_id": user.pk if authenticated else None,
            "edx-platform.username": user.get_username() if authenticated else None,
            "edx-platform.user_is_staff": course_staff,
            "edx-platform.user_is_global_staff": bool(authenticated and user.is_staff),
            "edx-platform.user_is_beta_tester": False,
            "edx-platform.user_role": "staff" if course_staff else "student",
            "edx-platform.anonymous_user_id": anonymous_id(user.pk, course_key) if authenticated else None,
        })
        super().__init__(user=xuser)

    def get_current_user(self):
        return self._user


def anonymous_id(user_id: int, course_key: CourseKey) -> str:
    """A stable per-course pseudonym of a learner, as the LMS gives blocks."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{course_key}|{user_id}".encode())
    return digest.hexdigest()[:32]


class SettingsService:
    """The XBlock `settings` service: a block's bucket of ``XBLOCK_SETTINGS``, keyed as the LMS keys it."""

    def get_settings_bucket(self, block, default=None):
        name = getattr(block, "block_settings_key", getattr(block, "unmixed_class", type(block)).__name__)
        return getattr(settings, "XBLOCK_SETTINGS", {}).get(name, {} if default is None else default)


class LocationMixin(XBlockMixin):
    """`location` and `course_id`, which LMS blocks read, as the LMS sets them."""

    @property
    def location(self):
        return self.scope_ids.usage_id

    @property
    def course_id(self):
        return self.scope_ids.usage_id.context_key


class StandaloneRuntime(WorkbenchRuntime):
    """The runtime of one course for one user (a Django user; AnonymousUser or None for nobody).

    `studio=True` makes handler URLs point at the Studio routes, whose saves are also publishes. Otherwise the
    runtime is the learner's, and its field data is the LMS's: author scopes (content, settings, children, parent)
    are read-only, so a handler can save only user-scoped fields (upstream ``lms_xblock.field_data.LmsFieldData``).
    """

    def __init__(self, course_key: str | CourseKey, user=None, *, studio: bool = False, buffered: bool = False):
        self.course_key = course_key_of(course_key)
        self.user = user
        self.studio = studio
        authenticated = bool(user is not None and user.is_authenticated)
        self.user_pk = user.pk if authenticated else None
        self.store = BlockStateStore(self.course_key, self.user_pk, buffered=buffered)
        self._loaded_ids: set[UsageKey] = set()
        ids = CourseIds(self.course_key)
        services = {
            "field-data": self._field_data(studio),
            "user": StandaloneUserService(user, self.course_key),
            "i18n": WorkbenchI18NService(),
            "settings": SettingsService(),
            "completion": CompletionService(user, self.course_key) if authenticated else None,
        }
        # WorkbenchRuntime.__init__ wires the workbench's global scenario store; skip it, keep its behaviour.
        super(WorkbenchRuntime, self).__init__(ids, ids, services=services, mixins=(LocationMixin,))

    def _field_data(self, studio: bool):
        """Studio writes every scope; the learner's runtime only the user scopes (upstream ``lms_field_data``)."""
        data = KvsFieldData(self.store)
        if studio:
            return data
        authored = ReadOnlyFieldData(data)
        return SplitFieldData({
            Scope.content: authored, Scope.settings: authored, Scope.parent: authored, Scope.children: authored,
            Scope.user_state_summary: data, Scope.user_state: data, Scope.user_info: data, Scope.preferences: data,
        })

    # --- blocks -------------------------------------------------------------------------------------------------
    def load_block_type(self, block_type):
        return STANDALONE_BLOCKS.get(block_type) or super().load_block_type(block_type)

    def get_block(self, usage_id, for_parent=None):
        usage_key = usage_key_of(usage_id)
        if usage_key.context_key != self.course_key:
            raise NoSuchUsage(repr(usage_id))
        keys = ScopeIds(self.user_pk, usage_key.block_type, usage_key, usage_key)
        return self.construct_xblock(usage_key.block_type, keys, for_parent=for_parent)

    def _usage_id_from_node(self, node, parent_id):
        """Usage ids come from the OLX ``url_name`` (a missing one is an error: ids must be stable)."""
        url_name = node.attrib.pop("url_name", None)
        if not url_name:
            raise LoadError(f"<{node.tag}> at line {node.sourceline} has no url_name.")
        block_type = node.tag
        usage_key = self.id_generator.create_definition(block_type, url_name)
        if usage_key in self._loaded_ids:
            raise LoadError(f"Two <{block_type}> blocks share url_name {url_name!r}.")
        self._loaded_ids.add(usage_key)
        where = f"<{block_type} url_name={url_name!r}> at line {node.sourceline}"
        try:
            block_class = self.mixologist.mix(self.load_block_type(block_type))
        except PluginMissingError:
            raise LoadError(f"{where}: no XBlock of type {block_type!r} is installed.") from None
        try:
            block = block_class.parse_xml(node, self, ScopeIds(None, block_type, usage_key, usage_key))
        except LoadError:
            raise
        except (ValueError, TypeError, KeyError, yaml.YAMLError) as exc:  # XBlock reads attributes as YAML
            raise LoadError(f"{where}: {exc}") from None
        block.parent = parent_id
        block.save()
        return usage_key

    def _patch_xblock(self, block):
        """Nothing to patch: `LocationMixin` gives blocks their real location."""

    # --- URLs ---------------------------------------------------------------------------------------------------
    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
        func = getattr(block, handler_name, None)
        if not func or not getattr(func, "_is_xblock_handler", False):
            raise ValueError(f"{handler_name!r} is not a handler of {block.scope_ids.block_type}")
        route = "standalone:studio_handler" if self.studio else "standalone:handler"
        kwargs = {"course_key": str(self.course_key), "usage_id": str(block.scope_ids.usage_id),
                  "handler": handler_name, "suffix": suffix.lstrip("/")}
        url = reverse(route, kwargs=kwargs)
        return f"{url}?{query}" if query else url

    def local_resource_url(self, block, uri):
        return reverse("standalone:resource", args=(block.scope_ids.block_type, uri))

    def _wrap_ele(self, block, view, frag, extra_data=None):
        """Wrap as XBlock does, with jQuery for blocks that expect it (the page brings the runtime JS)."""
        wrapped = super(WorkbenchRuntime, self)._wrap_ele(block, view, frag, extra_data)
        wrapped.add_resource_url(self.resource_url("js/vendor/jquery.min.js"), "application/javascript", "head")
        return wrapped

    # --- events -------------------------------------------------------------------------------------------------
    def publish(self, block, event_type, event_data):
        """Grades go to the grade store (and complete the problem); completions go to BlockCompletion."""
        if self.user_pk is None or self.studio:
            return
        if event_type == "grade":
            self._record_grade(block, event_data)
        elif event_type == "completion":
            self._record_completion(block, event_data)

    def _record_grade(self, block, data: dict) -> None:

        earned, possible = float(data["value"]), float(data["max_value"])
        if possible < 0 or not 0 <= earned <= max(possible, 0):
            raise ValueError(f"Invalid grade event {data!r}: expected 0 <= value <= max_value.")
        usage_key = block.scope_ids.usage_id
        with transaction.atomic():
            course = Course.objects.only("pk").get(course_key=str(self.course_key))
            Score.objects.update_or_create(
                user_id=self.user_pk, course=course, block_key=str(usage_key),
                defaults={"earned": earned, "possible": possible},
            )
            if _completes_on_grade(block):
                BlockCompletion.objects.submit_completion(user=self.user, block_key=usage_key, completion=1.0)

    def _record_completion(self, block, data: dict) -> None:
        completion = float(data["completion"])
        if not 0.0 <= completion <= 1.0:
            raise ValueError(f"Invalid completion {completion!r}: expected 0.0 to 1.0.")
        if XBlockCompletionMode.get_mode(block) == XBlockCompletionMode.COMPLETABLE:
            BlockCompletion.objects.submit_completion(
                user=self.user, block_key=block.scope_ids.usage_id, completion=completion
            )

    def mark_viewed(self, blocks: Iterable[XBlock]) -> list[UsageKey]:
        """Complete-on-view: mark the blocks the completion service says may be (edx-completion's rules)."""
        service = self.service_for("completion")
        if service is None or not service.completion_tracking_enabled():
            return []
        marked = []
        for block in service.blocks_to_mark_complete_on_view(list(blocks)):
            service.submit_completion(block.scope_ids.usage_id, 1.0)
            marked.append(block.scope_ids.usage_id)
        return marked

    def service_for(self, name: str):
        """A service by name, without a block declaring it (for the runtime's own pages)."""
        return self._services.get(name)


def _completes_on_grade(block) -> bool:
    """edx-completion's scorable-block rule: a scored COMPLETABLE block without custom completion."""
    return (XBlockCompletionMode.get_mode(block) == XBlockCompletionMode.COMPLETABLE
            and not getattr(block, "has_custom_completion", False))
