"""v2glab: a test lab for ISO 15118-2 communication between an EV and a charging station."""

from .errors import V2GError

__version__ = "0.1.0"
__all__ = ["V2GError", "__version__"]
