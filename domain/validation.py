"""Input rules of SPEC §4 and §7. Each failure names the offending field's path."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime

from domain.commands import RawItem, RawType
from domain.errors import ErrorCode, OrdoError
from domain.order import OrderItem, OrderType, RentPayment, RentTerm, SecurityDeposit

Path = Sequence[str]

MAX_LIST = 1000
MAX_COUNT = 2**31 - 1
_ID = re.compile(r"[A-Za-z0-9_.:@-]{1,128}", re.ASCII)
# Plain decimal notation only: an exponent or "NaN" is not a price a client meant. A sign
# neither: a price is returned as given, and "-0" would be shown as a negative zero.
_PRICE = re.compile(r"[0-9]+(\.[0-9]+)?", re.ASCII)
_MAX_DIGITS = 18
_MAX_FRACTION = 6


def invalid(path: Path, message: str) -> OrdoError:
    return OrdoError(ErrorCode.INVALID_INPUT, message, path)


def is_id(value: object) -> bool:
    """SPEC §7's id: 1-128 characters of letters, digits and -_.:@."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def check_id(value: str, path: Path) -> str:
    if not is_id(value):
        raise invalid(path, f"{path[-1]} must be 1-128 characters of letters, digits and -_.:@")
    return value


def check_count(value: int, path: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise invalid(path, f"{path[-1]} must be a whole number from 0 to {MAX_COUNT}")
    return value


def check_size(values: Sequence[object], path: Path) -> None:
    if len(values) > MAX_LIST:
        raise invalid(path, f"{path[-1]} has more than {MAX_LIST} entries")


def check_price(value: str, path: Path) -> str:
    if isinstance(value, str) and value.startswith("-"):
        raise invalid(path, 'price must not be negative or signed ("-0" neither)')
    if not isinstance(value, str) or not _PRICE.fullmatch(value):
        raise invalid(path, 'price must be a decimal number such as "1500.00"')
    whole, _, fraction = value.partition(".")
    if len(fraction) > _MAX_FRACTION or len(whole.lstrip("0") + fraction) > _MAX_DIGITS:
        raise invalid(path, "price has more than 18 digits or more than 6 after the point")
    return value


def check_period(item: OrderItem, path: Path) -> None:
    end = item.period_end_date
    if end is not None and end < item.period_start_date:
        raise invalid([*path, "periodEndDate"], "periodEndDate is before periodStartDate")


def check_window(starts_at: datetime | None, ends_at: datetime | None, path: Path) -> None:
    if starts_at is not None and ends_at is not None and not starts_at < ends_at:
        raise invalid([*path, "endsAt"], "endsAt must be after startsAt")


def parse_date(value: object, path: Path) -> date:
    try:
        # Calendar form only: fromisoformat also takes the week date "2026-W01-1" (10 chars).
        if isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-":
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise invalid(path, f'{path[-1]} must be a date such as "2026-12-01"')


def parse_datetime(value: object, path: Path) -> datetime:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        if parsed is not None and parsed.tzinfo is not None:
            # An offset can carry an instant past year 1 or 9999, which no UTC time can hold.
            parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise invalid(path, f'{path[-1]} must be ISO 8601 with an offset: "2026-12-01T09:30:00Z"')
    return parsed


def parse_item(raw: RawItem, path: Path) -> OrderItem:
    end = raw.period_end_date
    item = OrderItem(
        order_item_id=check_id(raw.order_item_id, [*path, "orderItemId"]),
        service_id=check_id(raw.service_id, [*path, "serviceId"]),
        price=check_price(raw.price, [*path, "price"]),
        period_start_date=parse_date(raw.period_start_date, [*path, "periodStartDate"]),
        period_end_date=parse_date(end, [*path, "periodEndDate"]) if end else None,
    )
    check_period(item, path)
    return item


def parse_items(raws: Sequence[RawItem], path: Path) -> list[OrderItem]:
    check_size(raws, path)
    items = [parse_item(raw, [*path, str(index)]) for index, raw in enumerate(raws)]
    check_unique([item.order_item_id for item in items], path, "orderItemId")
    return items


def check_unique(ids: Sequence[str], path: Path, leaf: str | None = None) -> None:
    seen: set[str] = set()
    for index, value in enumerate(ids):
        if value in seen:
            where = [*path, str(index), leaf] if leaf else [*path, str(index)]
            raise OrdoError(ErrorCode.DUPLICATE_ITEM_ID, f"{value!r} appears twice", where)
        seen.add(value)


def check_ids(ids: Sequence[str], path: Path) -> list[str]:
    check_size(ids, path)
    checked = [check_id(value, [*path, str(index)]) for index, value in enumerate(ids)]
    check_unique(checked, path)
    return checked


def parse_type(raw: RawType, path: Path) -> OrderType:
    rent, deposit = raw.rent_payment, raw.security_deposit
    if bool(rent) == bool(deposit):
        raise invalid(path, "type takes exactly one of rentPayment and securityDeposit")
    if rent:
        where = [*path, "rentPayment"]
        try:
            term = RentTerm(getattr(rent.term, "value", rent.term))
        except ValueError as error:
            raise invalid([*where, "term"], "term must be FULL or SHORT") from error
        return RentPayment(parse_date(rent.payment_date, [*where, "paymentDate"]), term)
    assert deposit is not None
    refund = deposit.refund_date
    where = [*path, "securityDeposit", "refundDate"]
    return SecurityDeposit(parse_date(refund, where) if refund else None)
