"""Django admin for the companion app, one module per concern."""
