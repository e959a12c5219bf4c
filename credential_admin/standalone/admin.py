"""Django admin of the standalone runtime: a learner's full name (the standalone twin of the platform's
``profile.name``) is edited on the user's own page, as platform admins edit the profile's name in the LMS admin.
Saving a changed name reissues the learner's credentials (credential_admin.handlers.on_name_changed)."""
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from credential_admin.standalone.models import Profile


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ("name",)


class LearnerAdmin(UserAdmin):
    inlines = (ProfileInline,)
    list_display = ("username", "full_name", "email", "is_staff")
    search_fields = ("username", "email", "first_name", "last_name", "standalone_profile__name")

    @admin.display(description=Profile._meta.get_field("name").verbose_name)
    def full_name(self, user) -> str:
        profile = getattr(user, "standalone_profile", None)
        return profile.name if profile else ""


if admin.site.is_registered(get_user_model()):
    admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), LearnerAdmin)
