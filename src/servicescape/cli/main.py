"""The ``servicescape`` command."""

from __future__ import annotations

import os
from importlib import import_module
from typing import Annotated

import typer

from servicescape import __version__
from servicescape.cli.common import DbOption, fail, interactive, opened, out
from servicescape.errors import ServicescapeError
from servicescape.platform.registry import registry

app = typer.Typer(
    name="servicescape",
    help="Servicescape: keep the promises your firm makes to its clients.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        out.print(f"servicescape {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Run `servicescape COMMAND --help` for the options of a command."""


@app.command()
def init(
    db: DbOption = None,
    owner_email: Annotated[str | None, typer.Option(envvar="SERVICESCAPE_OWNER_EMAIL",
                                                    help="Create this owner account.")] = None,
    owner_name: Annotated[str, typer.Option(envvar="SERVICESCAPE_OWNER_NAME")] = "Owner",
    owner_password: Annotated[str | None, typer.Option(
        envvar="SERVICESCAPE_OWNER_PASSWORD", help="Password of the owner (prompted on a terminal)."
    )] = None,
) -> None:
    """Create or upgrade the database schema; optionally create the first owner account."""
    from servicescape.auth import service as auth

    with opened(db) as runtime:
        out.print(f"Database ready: {runtime.engine.url.render_as_string(hide_password=True)}")
        if owner_email is None:
            return
        if owner_password is None:
            if not interactive():
                fail("--owner-password (or SERVICESCAPE_OWNER_PASSWORD) is required when "
                     "stdin is not a terminal")
            owner_password = typer.prompt("Owner password", hide_input=True,
                                          confirmation_prompt=True)
        with runtime.transaction() as session:
            owner, created = auth.ensure_owner(session, name=owner_name, email=owner_email,
                                               password=owner_password)
        out.print(f"Owner account created: {owner_email}" if created
                  else f"Owner {owner.email} already exists; left unchanged.")


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Interface to bind; 0.0.0.0 exposes it to the network.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Processes that answer requests: one per CPU "
                                                           "core uses them all.")] = 1,
    threads: Annotated[int | None, typer.Option(min=1, max=64, help="Requests each process works on at once "
                                                                    "(default: SERVICESCAPE_THREADS, else 2).")]
    = None,
) -> None:
    """Serve the web app and the API."""
    import uvicorn

    from servicescape.cli.common import load_settings, user_errors
    from servicescape.web import workers as workers_module
    from servicescape.web.app import create_app, ready_to_serve

    if threads is not None:  # the workers read their settings from the environment
        os.environ["SERVICESCAPE_THREADS"] = str(threads)
    with user_errors():
        settings = load_settings(db)
        web_app = create_app(settings)  # checks the settings and brings the schema up to date once
    out.print(f"Servicescape on http://{host}:{port}/  (mode: {settings.mode}; {workers} "
              f"{'process' if workers == 1 else 'processes'} of {settings.threads} "
              f"{'thread' if settings.threads == 1 else 'threads'}; Ctrl+C stops)")
    if workers == 1:
        ready_to_serve(web_app)
        try:
            uvicorn.run(web_app, host=host, port=port, log_level="info", proxy_headers=False)
        finally:
            web_app.state.runtime.close()
        return
    web_app.state.runtime.close()
    if db:  # each worker reads its settings from the environment
        os.environ["SERVICESCAPE_DATABASE_URL"] = db
    if not workers_module.can_share_port():
        uvicorn.run(workers_module.APP_FACTORY, factory=True, workers=workers, host=host, port=port,
                    log_level="info", proxy_headers=False)
        return
    try:
        status = workers_module.serve_workers(host, port, workers)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    if status:
        raise typer.Exit(status)


for _module in ("servicescape.cli.demo", *registry().modules("cli")):
    import_module(_module).register(app)

__all__ = ["ServicescapeError", "app"]
