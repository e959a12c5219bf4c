"""URLs of the standalone course pages; the map is in the docstring of `credential_admin.standalone.views`."""
from django.urls import path, re_path
from django.views.i18n import JavaScriptCatalog

from . import views

app_name = "standalone"

COURSE = "courses/<str:course_key>/"
HANDLER = r"(?P<usage_id>[^/]+)/handler/(?P<handler>[^/]+)/(?P<suffix>.*)$"

urlpatterns = [
    path("", views.index, name="index"),
    path("switch-user/", views.switch_user, name="switch_user"),
    path("logout/", views.logout_view, name="logout"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="jsi18n"),
    path(COURSE, views.course_home, name="course"),
    path(COURSE + "enroll/", views.enroll, name="enroll"),
    path(COURSE + "units/<str:unit_id>/", views.unit_view, name="unit"),
    path(COURSE + "units/<str:unit_id>/viewed/", views.viewed, name="viewed"),
    re_path(r"^courses/(?P<course_key>[^/]+)/xblock/" + HANDLER, views.handler, name="handler"),
    path(COURSE + "studio/<str:usage_id>/", views.studio, name="studio"),
    re_path(r"^courses/(?P<course_key>[^/]+)/studio/" + HANDLER, views.studio_handler, name="studio_handler"),
    re_path(r"^xblock-resource/(?P<block_type>[^/]+)/(?P<path>.+)$", views.resource, name="resource"),
]
