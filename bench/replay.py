"""Many orders fast: record the scripts one real resolver call runs, then replay them in big
pipelines with other ids. The keys and arguments stay exactly what the resolvers build
(store/keys.py's layout, the real Lua scripts), without Python's per-request cost."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from store import SingleStore, Store
from store.replies import is_refusal
from store.scripts import source


@dataclass(frozen=True)
class Call:
    script: str
    keys: list[str]
    args: list[str | int]


class RecordingStore(SingleStore):
    """A single-Redis store that also notes every script it runs, one by one or in order
    (its two doors)."""

    calls: list[Call]

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.calls = []

    async def run(self, script: str, keys: Sequence[str], args: Sequence[str | int]) -> Any:
        self.calls.append(Call(script, list(keys), list(args)))
        return await super().run(script, keys, args)

    async def run_in_order(
        self, calls: Sequence[tuple[str, Sequence[str], Sequence[str | int]]]
    ) -> list[Any]:
        self.calls.extend(Call(script, list(keys), list(args)) for script, keys, args in calls)
        return await super().run_in_order(calls)


@dataclass
class Template:
    """The calls of one recorded operation, with the ids to swap (`tokens`: name -> value)."""

    calls: list[Call]
    tokens: dict[str, str]
    shas: dict[str, str] = field(default_factory=dict)

    def swap(self, value: Any, ids: dict[str, str]) -> Any:
        if not isinstance(value, str):
            return value
        for name, token in self.tokens.items():
            value = value.replace(token, ids[name])
        return value


async def record(client: Any, operation: Callable[[Store], Awaitable[dict[str, str]]]) -> Template:
    """Run `operation` once; it answers the ids it used, which replays will swap."""
    store = RecordingStore(client)
    tokens = await operation(store)
    if not store.calls:
        raise RuntimeError("the recorded operation ran no script: nothing to replay")
    template = Template(store.calls, tokens)
    for name in {call.script for call in template.calls}:
        template.shas[name] = await client.script_load(source(name))
    return template


async def replay(
    client: Any, template: Template, ids: Iterable[dict[str, str]], batch: int = 500
) -> int:
    """Replay the template once per id set; answers how many replayed calls went wrong."""
    wrong = 0
    pending: list[dict[str, str]] = []
    running: set[asyncio.Task[int]] = set()
    for one in ids:
        pending.append(one)
        if len(pending) == batch:
            if len(running) >= 2:  # Redis runs one batch while Python builds the next
                finished, running = await asyncio.wait(running, return_when="FIRST_COMPLETED")
                wrong += sum(task.result() for task in finished)
            running.add(asyncio.create_task(_send(client, template, pending)))
            pending = []
    if pending:
        running.add(asyncio.create_task(_send(client, template, pending)))
    return wrong + sum(await asyncio.gather(*running))


async def _send(client: Any, template: Template, id_sets: list[dict[str, str]]) -> int:
    pipe = client.pipeline(transaction=False)
    for ids in id_sets:
        for call in template.calls:
            keys = [template.swap(key, ids) for key in call.keys]
            args = [template.swap(arg, ids) for arg in call.args]
            pipe.evalsha(template.shas[call.script], len(keys), *keys, *args)
    replies = await pipe.execute(raise_on_error=False)
    # Fresh ids never conflict, so any refusal or error is a failure.
    return sum(1 for reply in replies if isinstance(reply, Exception) or is_refusal(reply))
