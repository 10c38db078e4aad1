import typer


def register(app: typer.Typer) -> None:
    """Filled in by the demo work in progress."""
