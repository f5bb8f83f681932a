"""The kept orders' bound and their check against the stream (resolvers/folded.py)."""

from __future__ import annotations

from resolvers.folded import _STALE, WHOLE, FoldedOrders
from store.keys import Home

HOME = Home.of_order("a")
CREATED = ["type", "ORDER_CREATED", "data", "{}"]
COMPLETED = ["type", "ORDER_COMPLETED", "data", "{}"]


def _entries(*ids: str) -> list[object]:
    return [[entry_id, CREATED if i == 0 else COMPLETED] for i, entry_id in enumerate(ids)]


def test_keeps_at_most_its_size_dropping_the_oldest_put() -> None:
    kept = FoldedOrders(size=2)
    for order_id in ("a", "b", "c"):
        kept.fold(order_id, HOME, WHOLE, _entries("1-0"))
    assert [kept.start(order_id, HOME) for order_id in ("a", "b", "c")] == ["-", "1-0", "1-0"]


def test_size_zero_keeps_nothing() -> None:
    kept = FoldedOrders(size=0)
    assert kept.fold("a", HOME, WHOLE, _entries("1-0")) is not None
    assert kept.start("a", HOME) == WHOLE


def test_an_answer_from_the_kept_id_extends_the_kept_order() -> None:
    kept = FoldedOrders()
    first = kept.fold("a", HOME, WHOLE, _entries("1-0"))
    assert kept.fold("a", HOME, "1-0", [["1-0", CREATED]]) is first  # nothing new: the same order
    later = kept.fold("a", HOME, "1-0", [["1-0", CREATED], ["2-0", COMPLETED]])
    assert getattr(later, "version", None) == 2 and getattr(first, "version", None) == 1
    assert kept.start("a", HOME) == "2-0"


def test_an_answer_not_starting_at_the_kept_id_is_stale_and_forgotten() -> None:
    kept = FoldedOrders()
    kept.fold("a", HOME, WHOLE, _entries("1-0", "2-0"))
    assert kept.fold("a", HOME, "2-0", [["3-0", COMPLETED]]) is _STALE
    assert kept.start("a", HOME) == WHOLE
    assert kept.fold("a", HOME, WHOLE, _entries("1-0")) is not None
    kept.fold("a", HOME, WHOLE, _entries("1-0", "2-0"))
    assert kept.fold("a", HOME, "2-0", []) is _STALE  # the stream is gone


def test_concurrent_reads_fold_against_the_start_each_asked_from() -> None:
    """32 concurrent first reads of one order (seen in the bench: "starts with ITEM_ADDED"):
    a read sent before anything was kept gets the whole stream, one sent after gets the part
    after the kept id. Each is folded as what it is, whatever the other did meanwhile."""
    kept = FoldedOrders()
    whole = kept.start("a", HOME)  # sent before anything was kept
    kept.fold("a", HOME, WHOLE, _entries("1-0", "2-0"))  # a third read kept the order
    after = kept.start("a", HOME)  # "2-0"
    assert kept.fold("a", HOME, whole, _entries("1-0", "2-0")) is not _STALE
    order = kept.fold("a", HOME, after, [["2-0", COMPLETED]])
    assert getattr(order, "version", None) == 2


def test_a_read_whose_kept_order_was_dropped_meanwhile_is_read_again() -> None:
    kept = FoldedOrders(size=1)
    kept.fold("a", HOME, WHOLE, _entries("1-0"))
    after = kept.start("a", HOME)
    kept.fold("b", HOME, WHOLE, _entries("1-0"))  # the bound drops "a"
    assert kept.fold("a", HOME, after, [["1-0", CREATED], ["2-0", COMPLETED]]) is _STALE


def test_a_kept_order_remembers_its_home_and_is_its_start_there_only() -> None:
    kept = FoldedOrders()
    kept.fold("a", HOME, WHOLE, _entries("1-0"))
    elsewhere = Home.of_entity("e")  # an index entry pointing at a home that holds nothing
    assert kept.home("a") == HOME and kept.start("a", elsewhere) == WHOLE
    assert kept.fold("a", elsewhere, WHOLE, []) is None
    assert kept.start("a", HOME) == "1-0"  # what was read elsewhere left the kept order be
    assert kept.fold("a", elsewhere, "1-0", [["1-0", CREATED]]) is _STALE
