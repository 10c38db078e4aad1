"""Every table of the product: each capability's models modules, imported through the registry, so
that ``Base.metadata`` is complete for migrations and tests."""

from servicescape.db.base import Base
from servicescape.platform.registry import load_models

load_models()

__all__ = ["Base"]
