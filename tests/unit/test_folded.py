"""The kept orders' bound and their check against the stream (resolvers/folded.py)."""

from __future__ import annotations

from resolvers.folded import _STALE, WHOLE, FoldedOrders

CREATED = ["type", "ORDER_CREATED", "data", "{}"]
COMPLETED = ["type", "ORDER_COMPLETED", "data", "{}"]


def _entries(*ids: str) -> list[object]:
    return [[entry_id, CREATED if i == 0 else COMPLETED] for i, entry_id in enumerate(ids)]


def test_keeps_at_most_its_size_dropping_the_oldest_put() -> None:
    kept = FoldedOrders(size=2)
    for order_id in ("a", "b", "c"):
        kept.fold(order_id, WHOLE, _entries("1-0"))
    assert [kept.start(order_id) for order_id in ("a", "b", "c")] == ["-", "1-0", "1-0"]


def test_size_zero_keeps_nothing() -> None:
    kept = FoldedOrders(size=0)
    assert kept.fold("a", WHOLE, _entries("1-0")) is not None
    assert kept.start("a") == WHOLE


def test_an_answer_from_the_kept_id_extends_the_kept_order() -> None:
    kept = FoldedOrders()
    first = kept.fold("a", WHOLE, _entries("1-0"))
    assert kept.fold("a", "1-0", [["1-0", CREATED]]) is first  # nothing new: the same order
    later = kept.fold("a", "1-0", [["1-0", CREATED], ["2-0", COMPLETED]])
    assert getattr(later, "version", None) == 2 and getattr(first, "version", None) == 1
    assert kept.start("a") == "2-0"


def test_an_answer_not_starting_at_the_kept_id_is_stale_and_forgotten() -> None:
    kept = FoldedOrders()
    kept.fold("a", WHOLE, _entries("1-0", "2-0"))
    assert kept.fold("a", "2-0", [["3-0", COMPLETED]]) is _STALE
    assert kept.start("a") == WHOLE
    assert kept.fold("a", WHOLE, _entries("1-0")) is not None
    kept.fold("a", WHOLE, _entries("1-0", "2-0"))
    assert kept.fold("a", "2-0", []) is _STALE  # the stream is gone


def test_concurrent_reads_fold_against_the_start_each_asked_from() -> None:
    """32 concurrent first reads of one order (seen in the bench: "starts with ITEM_ADDED"):
    a read sent before anything was kept gets the whole stream, one sent after gets the part
    after the kept id. Each is folded as what it is, whatever the other did meanwhile."""
    kept = FoldedOrders()
    whole = kept.start("a")  # sent before anything was kept
    kept.fold("a", WHOLE, _entries("1-0", "2-0"))  # a third read kept the order
    after = kept.start("a")  # "2-0"
    assert kept.fold("a", whole, _entries("1-0", "2-0")) is not _STALE
    order = kept.fold("a", after, [["2-0", COMPLETED]])
    assert getattr(order, "version", None) == 2


def test_a_read_whose_kept_order_was_dropped_meanwhile_is_read_again() -> None:
    kept = FoldedOrders(size=1)
    kept.fold("a", WHOLE, _entries("1-0"))
    after = kept.start("a")
    kept.fold("b", WHOLE, _entries("1-0"))  # the bound drops "a"
    assert kept.fold("a", after, [["1-0", CREATED], ["2-0", COMPLETED]]) is _STALE
