"""The store's shared connection (store/multiplexed.py) on a real Redis of the test's
own: concurrent calls get their own replies, error replies stay in their place, a caller that
gives up does not shift anyone's replies, a lost connection fails its calls and the next call
opens another, a frozen server is a timeout, and a password and a database are honoured."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import hiredis
import pytest
import redis
from redis import exceptions as redis_errors

from store.multiplexed import Address, Multiplexed
from tests.support import RedisServer, running

TIMEOUT = 0.5


def packed(*commands: tuple[object, ...]) -> bytes:
    return b"".join(hiredis.pack_command(command) for command in commands)


@pytest.fixture(scope="module")
def server() -> Iterator[RedisServer]:
    made = RedisServer()
    with running(made):
        with redis.Redis(port=made.port) as direct:
            direct.config_set("requirepass", "sesame")
        yield made


@pytest.fixture
async def shared(server: RedisServer) -> AsyncIterator[Multiplexed]:
    made = Multiplexed(Address("127.0.0.1", server.port, 3, None, "sesame"), TIMEOUT)
    yield made
    await made.close()


async def test_concurrent_calls_get_their_own_replies_in_one_database(
    shared: Multiplexed, server: RedisServer
) -> None:
    async def echo(n: int) -> list[object]:
        return await shared.execute(packed(("SET", f"k{n}", n), ("GET", f"k{n}")), 2)

    replies = await asyncio.gather(*(echo(n) for n in range(500)))
    assert replies == [["OK", str(n)] for n in range(500)]
    with redis.Redis(port=server.port, password="sesame", db=3) as direct:
        assert direct.get("k7") == b"7"  # SELECTed database 3, after AUTH


async def test_an_error_reply_is_an_exception_in_its_place(shared: Multiplexed) -> None:
    ok, wrong, script = await shared.execute(
        packed(("SET", "s", "x"), ("HGET", "s", "f"), ("EVALSHA", "0" * 40, 0)), 3
    )
    assert ok == "OK"
    assert isinstance(wrong, redis_errors.ResponseError) and "WRONGTYPE" in str(wrong)
    assert isinstance(script, redis_errors.NoScriptError)


async def test_a_caller_that_gives_up_shifts_no_replies(
    shared: Multiplexed, server: RedisServer
) -> None:
    blocked = asyncio.ensure_future(shared.execute(packed(("BLPOP", "never", 0.3)), 1))
    await asyncio.sleep(0.05)
    blocked.cancel()
    after = await shared.execute(packed(("ECHO", "mine")), 1)
    assert after == ["mine"]


async def test_a_lost_connection_fails_its_calls_and_the_next_opens_another(
    shared: Multiplexed, server: RedisServer
) -> None:
    assert await shared.execute(packed(("CLIENT", "SETNAME", "shared")), 1) == ["OK"]
    waiting = asyncio.ensure_future(shared.execute(packed(("BLPOP", "never", 5)), 1))
    await asyncio.sleep(0.05)
    with redis.Redis(port=server.port, password="sesame") as direct:
        assert direct.client_kill_filter(_type="normal", skipme=True) >= 1
    with pytest.raises(redis_errors.ConnectionError):
        await waiting
    assert await shared.execute(packed(("PING",)), 1) == ["PONG"]


async def test_a_frozen_server_is_a_timeout_then_serves_again(
    shared: Multiplexed, server: RedisServer
) -> None:
    assert await shared.execute(packed(("PING",)), 1) == ["PONG"]
    with server.frozen():
        started = asyncio.get_running_loop().time()
        calls = [shared.execute(packed(("PING",)), 1) for _ in range(3)]
        failed = await asyncio.gather(*calls, return_exceptions=True)
        waited = asyncio.get_running_loop().time() - started
    assert all(isinstance(e, redis_errors.RedisError) for e in failed), failed
    assert any(isinstance(e, redis_errors.TimeoutError) for e in failed), failed
    assert waited < 5 * TIMEOUT  # a bound, not a speed claim: it did not hang
    assert await shared.execute(packed(("PING",)), 1) == ["PONG"]


async def test_a_wrong_password_or_no_server_is_a_connection_error(
    server: RedisServer,
) -> None:
    wrong = Multiplexed(Address("127.0.0.1", server.port, 0, None, "nope"), TIMEOUT)
    for _ in range(2):  # and the refused connection is not used by the next call either
        with pytest.raises(redis_errors.ConnectionError):  # a 503 to the store, not a 500
            await wrong.execute(packed(("PING",)), 1)
    await wrong.close()
    nowhere = Multiplexed(Address("127.0.0.1", 1, 0, None, None), TIMEOUT)
    with pytest.raises(redis_errors.ConnectionError):
        await nowhere.execute(packed(("PING",)), 1)
