"""Cursor connections (``first``/``after``, ``totalCount``, ``pageInfo``) over offset windows."""

from __future__ import annotations

import base64
import binascii
from typing import Any, Generic, TypeVar

import strawberry
from stakegraph.api.errors import invalid
from strawberry import Info
from strawberry.types.nodes import FragmentSpread, InlineFragment, Selection

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
_CURSOR_PREFIX = "sg:"


def encode_cursor(offset: int) -> str:
    """Returns the opaque cursor of the item at ``offset``."""
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """Returns the offset a cursor points at; a malformed cursor is a VALIDATION error."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith(_CURSOR_PREFIX):
            raise ValueError(text)
        offset = int(text[len(_CURSOR_PREFIX) :])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid("after", "is not a cursor this API returned") from None
    # Offsets this API hands out fit in 32 bits; a larger one is forged (and overflows Neo4j).
    if not 0 <= offset < 2**31:
        raise invalid("after", "is not a cursor this API returned")
    return offset


def window(first: int | None, after: str | None, max_size: int) -> tuple[int, int]:
    """Returns (offset, limit) of the page asked for; ``first`` above ``max_size`` or below 0
    is a VALIDATION error."""
    size = DEFAULT_PAGE_SIZE if first is None else first
    if size < 0 or size > max_size:
        raise invalid("first", f"must be between 0 and {max_size}, got {size}")
    offset = 0 if after is None else decode_cursor(after) + 1
    return offset, min(size, max_size)


def wants_total(info: Info[Any, Any]) -> bool:
    """Returns True when the connection being resolved has ``totalCount`` selected (directly
    or through fragments), so the list must be counted; True when it cannot tell."""

    def walk(selections: list[Selection]) -> bool:
        for selection in selections:
            if isinstance(selection, FragmentSpread | InlineFragment):
                if walk(selection.selections):
                    return True
            elif selection.name == "totalCount":
                return True
        return False

    fields = info.selected_fields
    return True if len(fields) != 1 else walk(fields[0].selections)


@strawberry.type
class PageInfo:
    """Where a page sits in the whole list."""

    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    """One item of a page with its cursor."""

    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    """A page of a list: the items (``edges`` with cursors, or just ``nodes``) and the total."""

    total_count: int
    page_info: PageInfo
    nodes: list[T]
    offset: strawberry.Private[int]

    @strawberry.field
    def edges(self) -> list[Edge[T]]:
        # Built on demand: most pages are read through `nodes`, and a cursor per item is work.
        return [
            Edge(cursor=encode_cursor(self.offset + i), node=item)
            for i, item in enumerate(self.nodes)
        ]


def connection(items: list[T], total: int, offset: int) -> Connection[T]:
    """Returns the connection of a page of ``items`` that starts at ``offset`` of ``total``."""
    info = PageInfo(
        has_next_page=offset + len(items) < total,
        has_previous_page=offset > 0,
        start_cursor=encode_cursor(offset) if items else None,
        end_cursor=encode_cursor(offset + len(items) - 1) if items else None,
    )
    return Connection(total_count=total, page_info=info, nodes=items, offset=offset)
