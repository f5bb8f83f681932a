from google.type import date_pb2 as _date_pb2
from ordo.v1 import order_pb2 as _order_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OrderView(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_VIEW_UNSPECIFIED: _ClassVar[OrderView]
    ORDER_VIEW_BASIC: _ClassVar[OrderView]
    ORDER_VIEW_FULL: _ClassVar[OrderView]
ORDER_VIEW_UNSPECIFIED: OrderView
ORDER_VIEW_BASIC: OrderView
ORDER_VIEW_FULL: OrderView

class CreateOrderRequest(_message.Message):
    __slots__ = ("user_id", "promo_id", "idempotency_key")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PROMO_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    promo_id: str
    idempotency_key: str
    def __init__(self, user_id: _Optional[str] = ..., promo_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CreateOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: _order_pb2.Order
    def __init__(self, order: _Optional[_Union[_order_pb2.Order, _Mapping]] = ...) -> None: ...

class CompleteOrderRequest(_message.Message):
    __slots__ = ("order_id",)
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    def __init__(self, order_id: _Optional[str] = ...) -> None: ...

class CompleteOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: _order_pb2.Order
    def __init__(self, order: _Optional[_Union[_order_pb2.Order, _Mapping]] = ...) -> None: ...

class CancelOrderRequest(_message.Message):
    __slots__ = ("order_id",)
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    def __init__(self, order_id: _Optional[str] = ...) -> None: ...

class CancelOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: _order_pb2.Order
    def __init__(self, order: _Optional[_Union[_order_pb2.Order, _Mapping]] = ...) -> None: ...

class OrderItemInput(_message.Message):
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

class PromoInput(_message.Message):
    __slots__ = ("promo_id", "user_id")
    PROMO_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    promo_id: str
    user_id: str
    def __init__(self, promo_id: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class CreateOrderWithItemsRequest(_message.Message):
    __slots__ = ("order_id", "entity_id", "type", "items", "promo")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    PROMO_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    entity_id: str
    type: _order_pb2.OrderType
    items: _containers.RepeatedCompositeFieldContainer[OrderItemInput]
    promo: PromoInput
    def __init__(self, order_id: _Optional[str] = ..., entity_id: _Optional[str] = ..., type: _Optional[_Union[_order_pb2.OrderType, _Mapping]] = ..., items: _Optional[_Iterable[_Union[OrderItemInput, _Mapping]]] = ..., promo: _Optional[_Union[PromoInput, _Mapping]] = ...) -> None: ...

class CreateOrderWithItemsResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: _order_pb2.Order
    def __init__(self, order: _Optional[_Union[_order_pb2.Order, _Mapping]] = ...) -> None: ...

class UpdateOrderRequest(_message.Message):
    __slots__ = ("order_id", "type", "cancel_item_ids", "add_items", "expected_version")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    CANCEL_ITEM_IDS_FIELD_NUMBER: _ClassVar[int]
    ADD_ITEMS_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    type: _order_pb2.OrderType
    cancel_item_ids: _containers.RepeatedScalarFieldContainer[str]
    add_items: _containers.RepeatedCompositeFieldContainer[OrderItemInput]
    expected_version: int
    def __init__(self, order_id: _Optional[str] = ..., type: _Optional[_Union[_order_pb2.OrderType, _Mapping]] = ..., cancel_item_ids: _Optional[_Iterable[str]] = ..., add_items: _Optional[_Iterable[_Union[OrderItemInput, _Mapping]]] = ..., expected_version: _Optional[int] = ...) -> None: ...

class UpdateOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: _order_pb2.Order
    def __init__(self, order: _Optional[_Union[_order_pb2.Order, _Mapping]] = ...) -> None: ...

class DeclineOrderRequest(_message.Message):
    __slots__ = ("order_id",)
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    def __init__(self, order_id: _Optional[str] = ...) -> None: ...

class DeclineOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: _order_pb2.Order
    def __init__(self, order: _Optional[_Union[_order_pb2.Order, _Mapping]] = ...) -> None: ...

class RestoreOrderRequest(_message.Message):
    __slots__ = ("order_id",)
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    def __init__(self, order_id: _Optional[str] = ...) -> None: ...

class RestoreOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: _order_pb2.Order
    def __init__(self, order: _Optional[_Union[_order_pb2.Order, _Mapping]] = ...) -> None: ...

class GetOrderRequest(_message.Message):
    __slots__ = ("order_id", "view")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    view: OrderView
    def __init__(self, order_id: _Optional[str] = ..., view: _Optional[_Union[OrderView, str]] = ...) -> None: ...

class GetOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: _order_pb2.Order
    def __init__(self, order: _Optional[_Union[_order_pb2.Order, _Mapping]] = ...) -> None: ...

class GetOrdersRequest(_message.Message):
    __slots__ = ("entity_id", "page_size", "page_token", "include_declined")
    ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_DECLINED_FIELD_NUMBER: _ClassVar[int]
    entity_id: str
    page_size: int
    page_token: str
    include_declined: bool
    def __init__(self, entity_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., include_declined: _Optional[bool] = ...) -> None: ...

class GetOrdersResponse(_message.Message):
    __slots__ = ("orders", "next_page_token", "total_size")
    ORDERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    orders: _containers.RepeatedCompositeFieldContainer[_order_pb2.Order]
    next_page_token: str
    total_size: int
    def __init__(self, orders: _Optional[_Iterable[_Union[_order_pb2.Order, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class WatchOrderEventsRequest(_message.Message):
    __slots__ = ("order_id", "entity_id", "after")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    entity_id: str
    after: str
    def __init__(self, order_id: _Optional[str] = ..., entity_id: _Optional[str] = ..., after: _Optional[str] = ...) -> None: ...

class WatchOrderEventsResponse(_message.Message):
    __slots__ = ("event", "cursor", "order")
    EVENT_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    event: _order_pb2.OrderEvent
    cursor: str
    order: _order_pb2.Order
    def __init__(self, event: _Optional[_Union[_order_pb2.OrderEvent, _Mapping]] = ..., cursor: _Optional[str] = ..., order: _Optional[_Union[_order_pb2.Order, _Mapping]] = ...) -> None: ...
