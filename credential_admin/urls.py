"""URLs of the companion app, mounted under /credentials/ in the LMS (plugin_app) and in the demo."""
from django.urls import include, path

app_name = "credential_admin"

urlpatterns: list = [
    path("", include("credential_admin.issuing.urls")),
    path("", include("credential_admin.verification.urls")),
    path("", include("credential_admin.api.urls")),
]
