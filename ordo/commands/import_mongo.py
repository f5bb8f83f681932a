"""`ordo import-mongo`: seed 000's MongoDB data into a store (jobs/importer.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jobs.importer import ImportReport, Outcome, import_seed
from ordo.commands.common import RedisUrl, fail, on_store, required
from ordo.commands.mongoexport import ExportError, read_seed_files

DOCUMENTS = ("users", "orders", "promos")


def import_mongo(
    paths: Annotated[
        list[Path],
        typer.Argument(
            exists=True,
            help="A directory holding users.json, orders.json and promos.json, or such files "
            "(each named for its collection).",
        ),
    ],
    redis_url: RedisUrl = None,
) -> None:
    """Import seed 000's MongoDB data (users, orders, promos) from mongoexport JSON.

    JSON lines or --jsonArray files; extended JSON such as {"$oid": …} is understood.
    Each promo's nested orders are read as its OPEN orders and users[].count as what each user
    holds, used and open together (docs/decisions.md). A document breaking SPEC §2's rules is
    refused and listed, the others are imported; the exit status is then 1. Running it again
    changes nothing and reports everything as already present.
    """
    required(redis_url)
    try:
        docs = read_seed_files(paths)
    except ExportError as error:
        fail(str(error))
    with typer.progressbar(
        length=len(docs), label="importing", file=typer.get_text_stream("stderr")
    ) as bar:
        report = on_store(redis_url, lambda store: import_seed(store, docs, lambda: bar.update(1)))
    _print_report(report)
    if report.refused:
        raise typer.Exit(1)


def _print_report(report: ImportReport) -> None:
    for kind in DOCUMENTS:
        counts = ", ".join(f"{report.count(kind, outcome)} {outcome.value}" for outcome in Outcome)
        typer.echo(f"{kind}: {counts}")
    created, present = (report.count("promo orders", o) for o in (Outcome.CREATED, Outcome.PRESENT))
    typer.echo(
        f"promo orders: {created} {Outcome.CREATED.value}, {present} {Outcome.PRESENT.value}"
    )
    if report.refused:
        typer.echo("refused:")
    for label, reason in report.refused:
        typer.echo(f"  {label}: {reason}")
