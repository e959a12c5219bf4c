"""Public verification URLs (under /credentials/): the page at verify/<verification id>/, and what it links to."""
from django.urls import path

from . import achievements, views

app_name = "verify"

urlpatterns = [
    path("verify/", views.lookup, name="lookup"),
    path("verify/<str:verification_id>/", views.page, name="page"),
    path("verify/<str:verification_id>/json/", views.facts_json, name="json"),
    path("verify/<str:verification_id>/ob3/", views.ob3, name="ob3"),
    path("achievements/<int:config_id>/image/", views.badge_image, name="badge_image"),
    path("status/<int:number>/", views.status_list, name="status"),
    path("achievements/<int:config_id>/", achievements.achievement, name="achievement"),
    path("issuer/", views.issuer, name="issuer"),
    path("issuer/<str:org>/", views.issuer, name="org_issuer"),
    path("keys/<str:key_id>/", views.key, name="key"),
    path("issuer/<str:org>/keys/<str:key_id>/", views.key, name="org_key"),
]
