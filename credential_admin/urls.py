"""URLs of the companion app, mounted under /credentials/ in the LMS (plugin_app) and in the demo."""
from django.urls import include, path

app_name = "credential_admin"

urlpatterns: list = []
