"""ROOT_URLCONF of the demo and the tests: admin at /admin/, the companion app at /credentials/, and the
standalone course pages at the root (see credential_admin.standalone.urls for their map)."""
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("credentials/", include("credential_admin.urls")),
    path("", include("credential_admin.standalone.urls")),
]
