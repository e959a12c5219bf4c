"""Learner API URLs (under /credentials/)."""
from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("api/v1/credentials/", views.credentials, name="credentials"),
]
