"""A faster completion of query results, with graphql-core's own execution as the fallback.

graphql-core spends a few microseconds on every field of a response (resolve info, path, error
guard, awaitable checks, a task per pending value), which on a nested page of 100 stakeholders
is most of the request. For the root fields of query operations, this executor completes the
resolver's result itself, from a plan made once per selection:

- plain attributes are read directly; resolver fields are called exactly as graphql-core calls
  them (Strawberry's own wrapper, the same coerced arguments, a real resolve info);
- runtime types come from the same type resolvers (cached per Python class) and leaves go
  through the same ``coerce_output_value``;
- completion runs breadth first: every asynchronous resolver of a level is awaited in one
  gather and its result completed into the place left for it, so the request's DataLoaders
  still batch one query per field and level;
- a subtree under a node met twice in one request (a project reached from 100 stake
  assessments) is completed once and shared.

Whatever this path does not do the standard way (an error, a null where none may be,
``@defer``/``@stream``) makes it hand the field back to graphql-core, which completes the same
resolver result again with full error semantics (paths, null propagation). Reads already made
sit in the request's DataLoader caches, so the fallback costs CPU, not database round trips.
"""

from __future__ import annotations

import asyncio
import inspect
import weakref
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLAbstractType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSchema,
    OperationType,
    Undefined,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField

_BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF


class _Fallback(Exception):
    """This value is for graphql-core to complete (an error, a null where none may be...)."""


# Completes a value of one GraphQL type: (pending resolvers, field details, path, value).
_Completer = Callable[[list["_Pending"], FieldDetailsList, Path, Any], Any]


@dataclass
class _Field:
    """One response key of an object's selection, ready to run."""

    key: str
    definition: GraphQLField
    details: FieldDetailsList
    complete: _Completer
    attribute: str | None  # a plain attribute read, or None when a resolver runs
    args: dict[str, Any]
    typename: bool  # the __typename meta field
    leaf: bool  # a scalar or enum (or a list of them): no path needed below it
    # A Strawberry resolver with no field extensions, called directly: its arguments are
    # converted once per request instead of once per parent object.
    direct: StrawberryField | None = None
    converted: dict[str, Any] | None = None


@dataclass
class _Shared:
    """A node's field completed once per request: its value, or the places waiting for it."""

    done: bool = False
    value: Any = None
    waiting: list[tuple[dict[str, Any], str]] = field(default_factory=list)


# A resolver still running, and what to do with its result.
_Pending = tuple[Awaitable[Any], Callable[[Any], None]]


def _node_key(source: Any) -> str | None:
    """Returns the id of an object built from a node row (ids are unique per label)."""
    row = getattr(source, "row", None)
    if isinstance(row, dict) and "_labels" in row:
        ident = row.get("id")
        if isinstance(ident, str) and ident:
            return ident
    return None


def _discard(pending: Iterable[_Pending]) -> None:
    """Closes resolver coroutines that will never be awaited because completion gave up."""
    for awaitable, _ in pending:
        if inspect.iscoroutine(awaitable):
            awaitable.close()


async def _drain(value: Any, pending: list[_Pending]) -> Any:
    """Returns ``value`` once every pending resolver (and those their results start) is done."""
    while pending:
        batch = pending[:]
        del pending[:]
        results = await asyncio.gather(*(a for a, _ in batch), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                _discard(pending)
                raise result
        try:
            for (_, then), result in zip(batch, results, strict=True):
                then(result)
        except BaseException:
            _discard(pending)
            raise
    return value


_SCHEMA_CACHES: weakref.WeakKeyDictionary[
    GraphQLSchema, tuple[dict[tuple[str, type], GraphQLObjectType], dict[tuple[str, type], bool]]
] = weakref.WeakKeyDictionary()


class FastExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, with the fast completion of query root fields described above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[str, int], tuple[FieldDetailsList, list[_Field]]] = {}
        self._completers: dict[GraphQLOutputType, _Completer] = {}
        # Runtime types and is_type_of verdicts depend only on the schema and the Python class
        # (Strawberry decides by class), so they are kept for the schema's lifetime.
        caches = _SCHEMA_CACHES.get(self.schema)
        if caches is None:
            caches = _SCHEMA_CACHES[self.schema] = ({}, {})
        self._runtime, self._is_type = caches
        self._shared: dict[tuple[int, str, type, str], _Shared] = {}
        self._fallen: set[Path] = set()
        strawberry_schema = getattr(self.schema, "_strawberry_schema", None)
        self._strawberry = strawberry_schema
        # Direct resolver calls skip Strawberry's per-call wrapper, which only adds something
        # when exception handlers are configured (none are) or a field has extensions.
        self._direct_ok = strawberry_schema is not None and not getattr(
            strawberry_schema, "exception_handlers", ()
        )
        # The completers close over this executor, a cycle: the request's context empties
        # them once the request is answered (see Context.release).
        releases = getattr(self.context_value, "releases", None)
        if isinstance(releases, list):
            releases.append(self._release)

    def _release(self) -> None:
        self._plans.clear()
        self._completers.clear()
        self._shared.clear()
        self._fallen.clear()

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        """Returns the completed value: this module's way for query root fields of our own
        types, graphql-core's for everything else and whenever this way gives up."""
        if path.prev is not None or path in self._fallen or not self._fast_root(return_type):
            return super().complete_value(
                return_type, field_details_list, info, path, result, position_context
            )

        def standard() -> Any:
            self._count("standard")
            # graphql-core completes a non-null type by completing its inner type at the same
            # path: that call must not try this way again.
            self._fallen.add(path)
            return super(FastExecutor, self).complete_value(
                return_type, field_details_list, info, path, result, position_context
            )

        pending: list[_Pending] = []
        try:
            completer = self._completer(return_type)
            completed = completer(pending, field_details_list, path, result)
        except Exception:
            _discard(pending)
            return standard()
        if not pending:
            self._count("fast")
            return completed

        async def finish() -> Any:
            try:
                value = await _drain(completed, pending)
            except Exception:
                value = standard()
                return await value if inspect.isawaitable(value) else value
            self._count("fast")
            return value

        return finish()

    def _count(self, how: str) -> None:
        completions = getattr(self.context_value, "completions", None)
        if isinstance(completions, dict):
            completions[how] = completions.get(how, 0) + 1

    def _fast_root(self, return_type: GraphQLOutputType) -> bool:
        if self.operation.operation != OperationType.QUERY:
            return False
        named = get_named_type(return_type)
        return named is not None and _BACKREF in (named.extensions or {})

    # --- completers: one function per GraphQL type, made once per request ------------------

    def _completer(self, return_type: GraphQLOutputType) -> _Completer:
        found = self._completers.get(return_type)
        if found is None:
            found = self._completers[return_type] = self._make_completer(return_type)
        return found

    def _make_completer(self, return_type: GraphQLOutputType) -> _Completer:
        if isinstance(return_type, GraphQLNonNull):
            inner = self._completer(return_type.of_type)

            def non_null(p: list[_Pending], d: FieldDetailsList, path: Path, value: Any) -> Any:
                completed = inner(p, d, path, value)
                if completed is None:
                    raise _Fallback
                return completed

            return non_null
        if isinstance(return_type, GraphQLList):
            item = self._completer(return_type.of_type)
            leaf_items = is_leaf_type(get_named_type(return_type))

            def listed(p: list[_Pending], d: FieldDetailsList, path: Path, value: Any) -> Any:
                if value is None:
                    return None
                if isinstance(value, str | bytes | dict) or not isinstance(value, Iterable):
                    raise _Fallback
                if leaf_items:
                    return [item(p, d, path, v) for v in value]
                return [item(p, d, path.add_key(i, None), v) for i, v in enumerate(value)]

            return listed
        if is_leaf_type(return_type):
            coerce = return_type.coerce_output_value

            def leaf(p: list[_Pending], d: FieldDetailsList, path: Path, value: Any) -> Any:
                if value is None:
                    return None
                coerced = coerce(value)
                if coerced is None or coerced is Undefined:
                    raise _Fallback
                return coerced

            return leaf
        if is_abstract_type(return_type):
            abstract: GraphQLAbstractType = return_type

            def runtime(p: list[_Pending], d: FieldDetailsList, path: Path, value: Any) -> Any:
                if value is None:
                    return None
                object_type = self._runtime_type(abstract, value, d, path)
                return self._complete_object(p, object_type, d, path, value)

            return runtime
        if isinstance(return_type, GraphQLObjectType):
            object_type = return_type

            def obj(p: list[_Pending], d: FieldDetailsList, path: Path, value: Any) -> Any:
                if value is None:
                    return None
                return self._complete_object(p, object_type, d, path, value)

            return obj
        raise _Fallback

    def _runtime_type(
        self, abstract: GraphQLAbstractType, result: Any, details: FieldDetailsList, path: Path
    ) -> GraphQLObjectType:
        key = (abstract.name, type(result))
        found = self._runtime.get(key)
        if found is not None:
            return found
        resolve_type = abstract.resolve_type or self.type_resolver
        name = resolve_type(result, self._info(abstract, details, path), abstract)
        if not isinstance(name, str):
            raise _Fallback
        runtime = self.schema.get_type(name)
        if not isinstance(runtime, GraphQLObjectType) or not self.schema.is_sub_type(
            abstract, runtime
        ):
            raise _Fallback
        self._runtime[key] = runtime
        return runtime

    def _complete_object(
        self,
        pending: list[_Pending],
        object_type: GraphQLObjectType,
        details: FieldDetailsList,
        path: Path,
        result: Any,
    ) -> dict[str, Any]:
        if object_type.is_type_of is not None:
            key = (object_type.name, type(result))
            verdict = self._is_type.get(key)
            if verdict is None:
                checked = object_type.is_type_of(result, self._info(object_type, details, path))
                if not isinstance(checked, bool):
                    raise _Fallback
                verdict = self._is_type[key] = checked
            if not verdict:
                raise _Fallback
        out: dict[str, Any] = {}
        for fld in self._plan(object_type, details):
            if fld.typename:
                out[fld.key] = object_type.name
            elif fld.attribute is not None:
                here = path if fld.leaf else path.add_key(fld.key, object_type.name)
                out[fld.key] = fld.complete(
                    pending, fld.details, here, getattr(result, fld.attribute)
                )
            else:
                out[fld.key] = None  # keeps the response's key order until the value comes
                here = path.add_key(fld.key, object_type.name)
                self._resolve(pending, object_type, fld, here, result, out)
        return out

    def _resolve(
        self,
        pending: list[_Pending],
        parent: GraphQLObjectType,
        fld: _Field,
        path: Path,
        source: Any,
        out: dict[str, Any],
    ) -> None:
        """Runs a resolver field and puts its completed value in ``out`` (now or later)."""
        ident = _node_key(source)
        shared: _Shared | None = None
        if ident is not None:
            shared_key = (id(fld.details), parent.name, type(source), ident)
            shared = self._shared.get(shared_key)
            if shared is not None:
                if shared.done:
                    out[fld.key] = shared.value
                else:
                    shared.waiting.append((out, fld.key))
                return
            shared = self._shared[shared_key] = _Shared()

        def then(raw: Any) -> None:
            if isinstance(raw, Exception):
                raise _Fallback
            value = fld.complete(pending, fld.details, path, None if raw is Undefined else raw)
            out[fld.key] = value
            if shared is not None:
                shared.done, shared.value = True, value
                for place, key in shared.waiting:
                    place[key] = value
                shared.waiting.clear()

        info = self._info(parent, fld.details, path, fld.definition)
        if fld.direct is not None:
            raw = self._call_direct(fld, fld.direct, source, info)
        else:
            resolve: Callable[..., Any] = fld.definition.resolve or self.field_resolver
            raw = resolve(source, info, **fld.args)
        if inspect.isawaitable(raw):
            pending.append((raw, then))
        else:
            then(raw)

    def _call_direct(
        self, fld: _Field, field: StrawberryField, source: Any, info: GraphQLResolveInfo[Any]
    ) -> Any:
        """Returns what the Strawberry resolver returns, called as Strawberry's wrapper calls
        it (self/parent/root/info parameters, converted arguments)."""
        assert self._strawberry is not None and field.base_resolver is not None
        resolver = field.base_resolver
        strawberry_info = self._strawberry.config.info_class(_raw_info=info, _field=field)
        if fld.converted is None:
            fld.converted = convert_arguments(
                fld.args, field.arguments,
                scalar_registry=self._strawberry.schema_converter.scalar_registry,
                config=self._strawberry.config, info=strawberry_info,
            )
        kwargs = dict(fld.converted)
        args = [source] if resolver.self_parameter else []
        if resolver.parent_parameter is not None:
            kwargs[resolver.parent_parameter.name] = source
        if resolver.root_parameter is not None:
            kwargs[resolver.root_parameter.name] = source
        if resolver.info_parameter is not None:
            kwargs[resolver.info_parameter.name] = strawberry_info
        return resolver(*args, **kwargs)

    # --- plans -----------------------------------------------------------------------------

    def _info(
        self,
        parent: Any,
        details: FieldDetailsList,
        path: Path,
        definition: GraphQLField | None = None,
    ) -> GraphQLResolveInfo[Any]:
        nodes = [d.node for d in details]
        if definition is None:
            definition = GraphQLField(parent)  # type resolvers read only the parent type
        return self.build_resolve_info(definition, nodes, parent, path)

    def _plan(self, object_type: GraphQLObjectType, details: FieldDetailsList) -> list[_Field]:
        key = (object_type.name, id(details))
        cached = self._plans.get(key)
        if cached is not None:
            return cached[1]
        collected = self.collect_subfields(object_type, details)
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            raise _Fallback
        plan: list[_Field] = []
        for response_key, field_details in collected.grouped_field_set.items():
            first = field_details[0]
            name = first.node.name.value
            definition = self.schema.get_field(object_type, name)
            if definition is None:
                raise _Fallback
            complete = self._completer(definition.type)
            if name == "__typename":
                plan.append(
                    _Field(response_key, definition, field_details, complete, None, {}, True, True)
                )
                continue
            strawberry_field = (definition.extensions or {}).get(_BACKREF)
            basic = getattr(definition.resolve, "_is_default", False)
            attribute = strawberry_field.python_name if basic and strawberry_field else None
            args = (
                get_argument_values(
                    definition, first.node, self.variable_values,
                    first.fragment_variable_values, self.hide_suggestions,
                )
                if definition.args or first.node.arguments
                else {}
            )
            direct = None
            if (
                attribute is None
                and self._direct_ok
                and isinstance(strawberry_field, StrawberryField)
                and strawberry_field.base_resolver is not None
                and not strawberry_field.extensions
            ):
                direct = strawberry_field
            leaf = is_leaf_type(get_named_type(definition.type))
            plan.append(
                _Field(response_key, definition, field_details, complete, attribute, args, False,
                       leaf, direct)
            )
        # The details list stays referenced by its plan, so its id cannot be reused meanwhile.
        self._plans[key] = (details, plan)
        return plan
