import datetime

from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import date_pb2 as _date_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OrderStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_STATUS_UNSPECIFIED: _ClassVar[OrderStatus]
    ORDER_STATUS_OPEN: _ClassVar[OrderStatus]
    ORDER_STATUS_COMPLETED: _ClassVar[OrderStatus]
    ORDER_STATUS_CANCELLED: _ClassVar[OrderStatus]
    ORDER_STATUS_DECLINED: _ClassVar[OrderStatus]

class RentTerm(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RENT_TERM_UNSPECIFIED: _ClassVar[RentTerm]
    RENT_TERM_FULL: _ClassVar[RentTerm]
    RENT_TERM_SHORT: _ClassVar[RentTerm]

class OrderEventType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_EVENT_TYPE_UNSPECIFIED: _ClassVar[OrderEventType]
    ORDER_EVENT_TYPE_ORDER_CREATED: _ClassVar[OrderEventType]
    ORDER_EVENT_TYPE_PROMO_RESERVED: _ClassVar[OrderEventType]
    ORDER_EVENT_TYPE_ITEM_ADDED: _ClassVar[OrderEventType]
    ORDER_EVENT_TYPE_ORDER_UPDATED: _ClassVar[OrderEventType]
    ORDER_EVENT_TYPE_ITEM_CANCELLED: _ClassVar[OrderEventType]
    ORDER_EVENT_TYPE_ORDER_DECLINED: _ClassVar[OrderEventType]
    ORDER_EVENT_TYPE_ORDER_RESTORED: _ClassVar[OrderEventType]
    ORDER_EVENT_TYPE_PROMO_RELEASED: _ClassVar[OrderEventType]
    ORDER_EVENT_TYPE_PROMO_REDEEMED: _ClassVar[OrderEventType]
    ORDER_EVENT_TYPE_ORDER_COMPLETED: _ClassVar[OrderEventType]
    ORDER_EVENT_TYPE_ORDER_CANCELLED: _ClassVar[OrderEventType]
ORDER_STATUS_UNSPECIFIED: OrderStatus
ORDER_STATUS_OPEN: OrderStatus
ORDER_STATUS_COMPLETED: OrderStatus
ORDER_STATUS_CANCELLED: OrderStatus
ORDER_STATUS_DECLINED: OrderStatus
RENT_TERM_UNSPECIFIED: RentTerm
RENT_TERM_FULL: RentTerm
RENT_TERM_SHORT: RentTerm
ORDER_EVENT_TYPE_UNSPECIFIED: OrderEventType
ORDER_EVENT_TYPE_ORDER_CREATED: OrderEventType
ORDER_EVENT_TYPE_PROMO_RESERVED: OrderEventType
ORDER_EVENT_TYPE_ITEM_ADDED: OrderEventType
ORDER_EVENT_TYPE_ORDER_UPDATED: OrderEventType
ORDER_EVENT_TYPE_ITEM_CANCELLED: OrderEventType
ORDER_EVENT_TYPE_ORDER_DECLINED: OrderEventType
ORDER_EVENT_TYPE_ORDER_RESTORED: OrderEventType
ORDER_EVENT_TYPE_PROMO_RELEASED: OrderEventType
ORDER_EVENT_TYPE_PROMO_REDEEMED: OrderEventType
ORDER_EVENT_TYPE_ORDER_COMPLETED: OrderEventType
ORDER_EVENT_TYPE_ORDER_CANCELLED: OrderEventType

class Order(_message.Message):
    __slots__ = ("order_id", "status", "entity_id", "type", "items", "cancelled_items", "total", "promo", "owner_id", "created_at", "updated_at", "version", "events")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_ITEMS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    PROMO_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    status: OrderStatus
    entity_id: str
    type: OrderType
    items: _containers.RepeatedCompositeFieldContainer[OrderItem]
    cancelled_items: _containers.RepeatedCompositeFieldContainer[OrderItem]
    total: str
    promo: PromoActivation
    owner_id: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    version: int
    events: _containers.RepeatedCompositeFieldContainer[OrderEvent]
    def __init__(self, order_id: _Optional[str] = ..., status: _Optional[_Union[OrderStatus, str]] = ..., entity_id: _Optional[str] = ..., type: _Optional[_Union[OrderType, _Mapping]] = ..., items: _Optional[_Iterable[_Union[OrderItem, _Mapping]]] = ..., cancelled_items: _Optional[_Iterable[_Union[OrderItem, _Mapping]]] = ..., total: _Optional[str] = ..., promo: _Optional[_Union[PromoActivation, _Mapping]] = ..., owner_id: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., version: _Optional[int] = ..., events: _Optional[_Iterable[_Union[OrderEvent, _Mapping]]] = ...) -> None: ...

class OrderType(_message.Message):
    __slots__ = ("rent_payment", "security_deposit")
    RENT_PAYMENT_FIELD_NUMBER: _ClassVar[int]
    SECURITY_DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    rent_payment: RentPayment
    security_deposit: SecurityDeposit
    def __init__(self, rent_payment: _Optional[_Union[RentPayment, _Mapping]] = ..., security_deposit: _Optional[_Union[SecurityDeposit, _Mapping]] = ...) -> None: ...

class RentPayment(_message.Message):
    __slots__ = ("payment_date", "term")
    PAYMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    TERM_FIELD_NUMBER: _ClassVar[int]
    payment_date: _date_pb2.Date
    term: RentTerm
    def __init__(self, payment_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., term: _Optional[_Union[RentTerm, str]] = ...) -> None: ...

class SecurityDeposit(_message.Message):
    __slots__ = ("refund_date",)
    REFUND_DATE_FIELD_NUMBER: _ClassVar[int]
    refund_date: _date_pb2.Date
    def __init__(self, refund_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ...) -> None: ...

class OrderItem(_message.Message):
    __slots__ = ("order_item_id", "service_id", "price", "period_start_date", "period_end_date")
    ORDER_ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    SERVICE_ID_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_DATE_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_DATE_FIELD_NUMBER: _ClassVar[int]
    order_item_id: str
    service_id: str
    price: str
    period_start_date: _date_pb2.Date
    period_end_date: _date_pb2.Date
    def __init__(self, order_item_id: _Optional[str] = ..., service_id: _Optional[str] = ..., price: _Optional[str] = ..., period_start_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., period_end_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ...) -> None: ...

class PromoActivation(_message.Message):
    __slots__ = ("promo_id", "user_id")
    PROMO_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    promo_id: str
    user_id: str
    def __init__(self, promo_id: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class OrderEvent(_message.Message):
    __slots__ = ("id", "order_id", "version", "type", "at", "data")
    ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    id: str
    order_id: str
    version: int
    type: OrderEventType
    at: _timestamp_pb2.Timestamp
    data: _struct_pb2.Struct
    def __init__(self, id: _Optional[str] = ..., order_id: _Optional[str] = ..., version: _Optional[int] = ..., type: _Optional[_Union[OrderEventType, str]] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...
