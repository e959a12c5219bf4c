"""Signal receivers registered through plugin_app (grade and completion changes drive automatic issuing)."""
