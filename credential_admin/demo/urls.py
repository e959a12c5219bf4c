"""ROOT_URLCONF of the demo and the tests: admin at /admin/, the companion app at /credentials/, and the
standalone course pages at the root (their URL map: credential_admin.standalone.views). Static files are served
here too, since the demo runs without a web server in front."""
import re

from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles.views import serve
from django.urls import include, path, re_path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("credentials/", include("credential_admin.urls")),
    re_path(rf"^{re.escape(settings.STATIC_URL.lstrip('/'))}(?P<path>.*)$", serve, {"insecure": True}),
    path("", include("credential_admin.demo.mfe_harness")),  # the MFE widgets' page and its LMS stand-ins
    path("", include("credential_admin.standalone.urls")),
]
