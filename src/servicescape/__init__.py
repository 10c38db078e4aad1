"""Servicescape: keep the promises a service firm makes to its clients."""

__version__ = "0.1.0"
