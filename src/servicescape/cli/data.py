import typer


def register(app: typer.Typer) -> None:
    """Filled in by the data work in progress."""
