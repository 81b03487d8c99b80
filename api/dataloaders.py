"""Request-scoped DataLoaders: one Cypher query per field and level, however many parents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from stakegraph.api import metrics
from stakegraph.api.gateway import Gateway
from stakegraph.api.reads import Hop, by_ids, hop_query
from stakegraph.schema.combined import Model
from stakegraph.schema.graphdb import RecordData
from stakegraph.schema.model import Label
from strawberry.dataloader import DataLoader


@dataclass(frozen=True)
class HopRequest:
    """A hop with its filters (names of `HOP_CONDITIONS` or generated fragments), order and
    page: the loader for one field with one set of args."""

    hop: Hop
    conditions: tuple[str, ...]
    params: tuple[tuple[str, Any], ...]
    order: str
    offset: int
    limit: int
    count: bool = True  # False: the page's total is not asked for (see HopPage)


@dataclass(frozen=True)
class HopPage:
    """One parent's slice of a hop: the total before paging and the rows of the page. When the
    total was not counted it is one past the page if more rows follow, so ``hasNextPage`` of
    a connection built from it is still right."""

    total: int
    rows: list[RecordData]


class Loaders:
    """The loaders of one request, created on first use and shared by all its resolvers.

    Their load functions close over the gateway, never over this object, and `release` empties
    the caches once the request is answered: a cycle through the loaders would keep every row
    the request read for the garbage collector, whose pauses hold every request in flight.
    """

    def __init__(self, gateway: Gateway, model: Model) -> None:
        self._gateway = gateway
        self._model = model
        self._nodes: dict[Label, DataLoader[str, RecordData | None]] = {}
        self._hops: dict[HopRequest, DataLoader[str, HopPage]] = {}

    def node(self, label: Label) -> DataLoader[str, RecordData | None]:
        """Returns the loader of nodes of ``label`` by id (None when absent)."""
        loader = self._nodes.get(label)
        if loader is None:
            query = by_ids(self._model, label)
            gateway = self._gateway

            async def load(ids: Sequence[str]) -> list[RecordData | None]:
                metrics.batch_size("node", len(ids))
                rows = await gateway.read(query, {"ids": list(ids)}, maps_only=True)
                found = {r["id"]: r["node"] for r in rows}
                return [found.get(i) for i in ids]

            loader = DataLoader(load_fn=load)
            self._nodes[label] = loader
        return loader

    def hop(self, request: HopRequest) -> DataLoader[str, HopPage]:
        """Returns the loader of one hop (with its args) by parent id."""
        loader = self._hops.get(request)
        if loader is None:
            query = hop_query(self._model, request.hop, request.conditions, request.order,
                              request.count)
            params = dict(request.params)
            # Uncounted, one row more than the page tells whether another page follows.
            limit = request.limit if request.count else request.limit + 1
            params.update(offset=request.offset, limit=limit)
            gateway = self._gateway

            def page_of(total: int | None, rows: list[RecordData]) -> HopPage:
                if total is not None:
                    return HopPage(total, rows)
                return HopPage(request.offset + len(rows), rows[: request.limit])

            async def load(ids: Sequence[str]) -> list[HopPage]:
                metrics.batch_size("hop", len(ids))
                rows = await gateway.read(
                    query, {**params, "ids": list(ids)}, maps_only=True
                )
                pages = rows[0]["pages"] if rows else []
                found = {ident: page_of(total, page) for ident, total, page in pages}
                return [found.get(i, HopPage(0, [])) for i in ids]

            loader = DataLoader(load_fn=load)
            self._hops[request] = loader
        return loader

    def release(self) -> None:
        """Forgets every loader and what it cached (returns nothing): the request is answered."""
        for node_loader in self._nodes.values():
            node_loader.clear_all()
        for hop_loader in self._hops.values():
            hop_loader.clear_all()
        self._nodes.clear()
        self._hops.clear()
