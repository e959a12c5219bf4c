"""Learner API URLs (under /credentials/) and its OpenAPI description at /credentials/api/schema/."""
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views

app_name = "api"

COURSE = "api/v1/progress/<str:course_key>/"

api_urlpatterns = [
    path("api/v1/credentials/", views.CredentialListView.as_view(), name="credentials"),
    path(COURSE, views.CourseProgressView.as_view(), name="progress"),
    path(COURSE + "claim/", views.ClaimView.as_view(), name="claim"),
]

urlpatterns = [
    *api_urlpatterns,
    path("api/schema/", SpectacularAPIView.as_view(
        urlconf="credential_admin.api.schema_urls", renderer_classes=views.SCHEMA_RENDERERS,
        authentication_classes=[], permission_classes=[], custom_settings=views.SCHEMA_SETTINGS,
    ), name="schema"),
]
