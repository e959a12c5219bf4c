"""URLs of issuing, included by credential_admin.urls (namespace credential_admin)."""
from django.urls import path

from credential_admin.issuing import views

urlpatterns = [
    path("download/<str:verification_id>/", views.download, name="credential_download"),
]
