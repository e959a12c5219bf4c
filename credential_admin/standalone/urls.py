"""Standalone course pages (filled in by the runtime views)."""
app_name = "standalone"

urlpatterns: list = []
