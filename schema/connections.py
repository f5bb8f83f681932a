"""Relay cursor connections (entityOrders), built from resolvers/pages.py's pages."""

from __future__ import annotations

import strawberry

from resolvers.pages import Page
from schema.types import Order


@strawberry.type(description="Where a page ends, as Relay's cursor connections describe it.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More orders follow endCursor.")
    has_previous_page: bool = strawberry.field(
        description="Always false: pages go forward only (Relay allows it with `after`)."
    )
    start_cursor: str | None = strawberry.field(description="The first edge's cursor.")
    end_cursor: str | None = strawberry.field(
        description="The last edge's cursor: pass it as `after` for the next page."
    )


@strawberry.type(description="An order in a page, with the cursor of its place.")
class OrderEdge:
    cursor: str = strawberry.field(description="Opaque: the page after this order starts here.")
    node: Order = strawberry.field(description="The order, as it is now.")


@strawberry.type(description="A page of an entity's orders (a Relay cursor connection).")
class OrderConnection:
    edges: list[OrderEdge] = strawberry.field(description="The page's orders, in SPEC order.")
    page_info: PageInfo = strawberry.field(description="Where the page ends.")
    total_count: int = strawberry.field(
        description="How many orders the listing held when its first page was read."
    )

    @classmethod
    def from_page(cls, page: Page) -> OrderConnection:
        edges = [OrderEdge(cursor=e.cursor, node=Order.from_domain(e.order)) for e in page.edges]
        info = PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=page.end_cursor,
        )
        return cls(edges=edges, page_info=info, total_count=page.total_count)
