"""The URLconf the OpenAPI description is generated from: the API alone, at the path the site mounts it on."""
from django.urls import include, path

from credential_admin.api.urls import api_urlpatterns

urlpatterns = [path("credentials/", include((api_urlpatterns, "api")))]
