"""Django admin for the companion app, one module per concern."""
from . import (
    credentials,  # noqa: F401
    paths,  # noqa: F401
    templates,  # noqa: F401
)
