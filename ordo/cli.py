"""The `ordo` command."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from ordo.commands.admin import order_app, promo_app, user_app
from ordo.commands.feed import feed
from ordo.commands.import_mongo import import_mongo
from ordo.commands.reindex import reindex
from ordo.commands.verify import verify
from ordo.logs import configure_logging
from ordo.manifest import ManifestError, load_manifest
from ordo.protocol import OrdoHttpProtocol
from ordo.settings import declared, load_settings, shown

app = typer.Typer(
    help="ordo: an order service with atomic promo codes.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)


@app.callback()
def main_callback() -> None:
    """ordo: an order service with atomic promo codes."""
    configure_logging()  # JSON lines on stderr: stdout is the commands' output (`ordo feed`)


def _settings_help() -> str:
    """The settings `serve` reads from the environment, from their declarations."""
    rows = [
        f"- `{each.env}`: {_with_default(each.doc, default)}" for _, each, default in declared()
    ]
    return "**Environment** (README, Configuration):\n\n" + "\n".join(rows)


def _with_default(doc: str, default: object) -> str:
    value = shown(default)
    return doc if value == "unset" else f"{doc} (default: {value})"  # docs say what unset does


_DOCS = {name: each.doc for name, each, _ in declared()}


@app.command(epilog=_settings_help())
def serve(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8000,
    redis_url: Annotated[
        str | None,
        typer.Option(
            envvar="ORDO_REDIS_URL",
            help=_DOCS["redis_url"],
        ),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    grpc_port: Annotated[
        int,
        typer.Option(
            envvar="ORDO_GRPC_PORT",
            min=0,
            max=65535,
            help="Port of the gRPC API (ordo.v1.OrderService), on --host; 0: none.",
        ),
    ] = 50051,
) -> None:
    """Serve GraphQL at /graphql, the legacy REST routes, and gRPC on --grpc-port."""
    # Every worker reads them from the environment, as the other settings.
    os.environ["ORDO_GRPC_PORT"] = str(grpc_port)
    os.environ["ORDO_GRPC_HOST"] = host
    if redis_url:
        os.environ["ORDO_REDIS_URL"] = redis_url
    else:
        os.environ.pop("ORDO_REDIS_URL", None)
        if workers > 1:
            # Each worker would hold its own in-memory store: orders would vanish between them.
            raise typer.BadParameter(
                "the embedded store lives in one process: use --workers 1, or set --redis-url",
                param_hint="--workers",
            )
    if not os.environ.get("ORDO_ADMIN_TOKEN"):
        # Made here, once, so every worker accepts the same token.
        os.environ["ORDO_ADMIN_TOKEN"] = secrets.token_urlsafe(24)
        # The second line is pasted as is into the shell that runs the README's examples.
        typer.echo(
            "ORDO_ADMIN_TOKEN is not set; an admin token was made for this run. In another shell:"
        )
        typer.echo(f"export ORDO_ADMIN_TOKEN={os.environ['ORDO_ADMIN_TOKEN']}")
    if manifest := os.environ.get("ORDO_TRUSTED_DOCUMENTS"):
        try:  # checked once here, so a bad manifest stops the start with its reason
            load_manifest(Path(manifest))
        except ManifestError as error:
            typer.echo(f"ordo: {error}", err=True)
            raise typer.Exit(2) from error
    try:  # read once here too, so a bad setting stops the start with its reason
        settings = load_settings()
    except ValueError as error:
        typer.echo(f"ordo: {error}", err=True)
        raise typer.Exit(2) from error
    if workers > 1:
        _share_metrics()
    uvicorn.run(
        "ordo.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        timeout_graceful_shutdown=10,
        http=OrdoHttpProtocol,  # one write per response, a bounded head (ordo/protocol.py)
        # Enforced by uvicorn's WebSocket protocol, which reads a message whole before the app
        # sees it: a longer one is closed with 1009 there, in every worker (SPEC §10).
        ws_max_size=settings.ws_max_message,
        # ordo reads neither the client's address nor the scheme: rewriting them from
        # X-Forwarded-* was a layer around every request for nothing (docs/decisions.md).
        proxy_headers=False,
    )


def _share_metrics() -> None:
    """Workers are separate processes: prometheus-client's multiprocess mode adds their
    metrics up through files in one directory, set before any worker imports the client."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="ordo-metrics-")


@app.command("export-schema")
def export_schema(
    output: Annotated[
        typer.FileTextWrite | None, typer.Option("--output", "-o", help="File (default: stdout).")
    ] = None,
) -> None:
    """Print the GraphQL schema as SDL (the checked-in schema.graphql is this output)."""
    from schema.build import build_schema

    text = build_schema().as_str() + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write(text)


# Registered after serve and export-schema, so `ordo --help` lists those first.
app.add_typer(user_app, name="user", no_args_is_help=True)
app.add_typer(promo_app, name="promo", no_args_is_help=True)
app.add_typer(order_app, name="order", no_args_is_help=True)
app.command()(verify)
app.command()(reindex)
app.command("import-mongo")(import_mongo)
app.command()(feed)


def main() -> None:
    app(prog_name="ordo")  # also under `python -m ordo`
