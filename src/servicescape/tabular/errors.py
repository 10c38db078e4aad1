"""The one error the tabular library raises."""


class TabularError(ValueError):
    """A file or value that cannot be read; the message says where and how to fix it."""
