"""Models of the companion app, one module per concern; import them from here."""
from .credentials import *  # noqa: F403
