"""What every store command shares: its Redis URL, running resolvers, reporting their errors."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, NoReturn, TypeVar

import typer

from domain.errors import OrdoError, Unavailable
from ordo.connect import connect
from ordo.settings import load_settings
from store import Store

T = TypeVar("T")

RedisUrl = Annotated[
    str | None,
    typer.Option(
        envvar="ORDO_REDIS_URL",
        show_envvar=True,
        help="redis://host:port/db or redis+cluster://host:port of the store to act on.",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]

NEEDS_REDIS = (
    "this command needs a Redis server: pass --redis-url or set ORDO_REDIS_URL. Without one, "
    "`ordo serve` keeps its data in its own process's memory, which no other command can see."
)


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


@contextmanager
def reported() -> Iterator[None]:
    """An expected failure prints its code and message and exits 1, as the API reports it."""
    try:
        yield
    except OrdoError as error:
        fail(str(error))
    except Unavailable as error:
        fail(f"UNAVAILABLE: the store is unavailable ({error})")


def required(redis_url: str | None) -> str:
    if not redis_url:
        raise typer.BadParameter(NEEDS_REDIS, param_hint="--redis-url")
    return redis_url


def on_store(redis_url: str | None, work: Callable[[Store], Awaitable[T]]) -> T:
    """Run `work` on the store the URL names, then close the store."""
    url = required(redis_url)

    async def run() -> T:
        store = connect(load_settings({**os.environ, "ORDO_REDIS_URL": url}))
        try:
            return await work(store)
        finally:
            await store.close()

    with reported():
        return asyncio.run(run())
