"""Models of the companion app, one module per concern; import them from here."""
from .credentials import *  # noqa: F403
from .paths import *  # noqa: F403
from .templates import *  # noqa: F403
