"""Schema extensions (the cost limit, per-request diagnostics) and the error formatting."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from stakegraph.api.errors import UNAVAILABLE_MESSAGE, ApiError, ErrorCode
from stakegraph.api.gateway import is_unavailable
from stakegraph.api.pagination import DEFAULT_PAGE_SIZE
from stakegraph.schema.errors import StakegraphError
from strawberry.extensions import SchemaExtension

log = logging.getLogger("stakegraph.api")

# Plain lists (not connections) are short; they count as this many items in the cost estimate.
LIST_FANOUT = 10


def _first_arg(node: FieldNode, variables: Mapping[str, Any]) -> int | None:
    for arg in node.arguments or ():
        if arg.name.value != "first":
            continue
        if isinstance(arg.value, IntValueNode):
            return int(arg.value.value)
        if isinstance(arg.value, VariableNode):
            value = variables.get(arg.value.name.value)
            return int(value) if isinstance(value, int) else None
    return None


def _unwrap_is_list(type_: Any) -> bool:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def estimate_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
) -> int:
    """Returns the estimated cost of an operation: every field costs the product of the page
    sizes (``first``, or the default) of the lists above it."""
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0

    def walk(selection_set: SelectionSetNode, parent: Any, multiplier: int, depth: int) -> int:
        if depth > 64:
            return 0
        cost = 0
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                cost += multiplier
                if sel.selection_set is None:
                    continue
                fields = getattr(parent, "fields", {})
                field = fields.get(sel.name.value)
                if field is None:
                    continue
                named = get_named_type(field.type)
                factor = 1
                first = _first_arg(sel, variables)
                if named.name.endswith("Connection"):
                    factor = max(first if first is not None else DEFAULT_PAGE_SIZE, 1)
                elif _unwrap_is_list(field.type) and not parent.name.endswith("Connection"):
                    factor = first if first is not None else LIST_FANOUT
                cost += walk(sel.selection_set, named, multiplier * factor, depth + 1)
            elif isinstance(sel, InlineFragmentNode):
                target = parent
                if sel.type_condition is not None:
                    target = schema.get_type(sel.type_condition.name.value) or parent
                cost += walk(sel.selection_set, target, multiplier, depth + 1)
            elif isinstance(sel, FragmentSpreadNode):
                fragment = fragments.get(sel.name.value)
                if fragment is not None:
                    target = schema.get_type(fragment.type_condition.name.value) or parent
                    cost += walk(fragment.selection_set, target, multiplier, depth + 1)
        return cost

    return walk(operation.selection_set, root, 1, 0)


class CostLimiter(SchemaExtension):
    """Refuses operations whose estimated cost is above the limit, before anything runs."""

    def __init__(self, max_cost: int) -> None:
        self.max_cost = max_cost

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        document = ec.graphql_document
        if document is not None:
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            chosen = [
                op for op in operations
                if ec.operation_name is None or (op.name and op.name.value == ec.operation_name)
            ]
            schema = ec.schema._schema
            for op in chosen[:1]:
                cost = estimate_cost(schema, op, fragments, ec.variables or {})
                if cost > self.max_cost:
                    error = ApiError(
                        ErrorCode.VALIDATION,
                        f"the query's estimated cost {cost} is above the limit {self.max_cost}: "
                        "ask for smaller pages (first) or fewer nested lists",
                        cost=cost,
                        limit=self.max_cost,
                    )
                    ec.result = GraphQLExecutionResult(
                        data=None, errors=[GraphQLError(error.message, original_error=error)]
                    )
        yield


def _request_id(context: Any) -> str:
    return str(getattr(context, "request_id", "-"))


def _describes_document(original: BaseException | None) -> bool:
    if original is None or isinstance(original, ValueError | GraphQLError):
        return True
    return type(original).__module__.startswith(("strawberry.", "graphql."))


# The GraphQL code a client sees for each sort of failure; SETUP and INTERNAL are the server's
# own trouble and are masked as INTERNAL (their detail goes to the log).
CLIENT_CODES: dict[ErrorCode, ErrorCode] = {
    ErrorCode.VALIDATION: ErrorCode.VALIDATION,
    ErrorCode.USAGE: ErrorCode.VALIDATION,
    ErrorCode.NOT_FOUND: ErrorCode.NOT_FOUND,
    ErrorCode.CONFLICT: ErrorCode.CONFLICT,
    ErrorCode.FORBIDDEN: ErrorCode.FORBIDDEN,
    ErrorCode.UNAVAILABLE: ErrorCode.UNAVAILABLE,
    ErrorCode.RATE_LIMITED: ErrorCode.RATE_LIMITED,
    ErrorCode.UNTRUSTED_DOCUMENT: ErrorCode.UNTRUSTED_DOCUMENT,
}


def format_error(error: GraphQLError, request_id: str) -> GraphQLError:
    """Returns the client's view of an error: a stable code, no internals, the request id."""
    original = error.original_error
    details: dict[str, Any] = {}
    if isinstance(original, StakegraphError) and original.code in CLIENT_CODES:
        code, message = CLIENT_CODES[original.code], original.message
        details = dict(original.details)
        log.info("request %s: %s %s", request_id, code, message)
    elif original is not None and is_unavailable(original):
        code, message = ErrorCode.UNAVAILABLE, UNAVAILABLE_MESSAGE
        log.warning("request %s: database unavailable: %r", request_id, original)
    elif error.path is None and _describes_document(original):
        # Parse, validation and input coercion errors describe the document, not the server.
        code, message = ErrorCode.VALIDATION, error.message
        log.info("request %s: invalid document: %s", request_id, message)
    else:
        code, message = ErrorCode.INTERNAL, f"internal error (request id {request_id})"
        log.error(
            "request %s: %s", request_id, error.message,
            exc_info=(type(original), original, original.__traceback__) if original else None,
        )
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={"code": code.value, "requestId": request_id, **details},
    )


def client_error(exc: Exception, request_id: str) -> GraphQLError:
    """Returns the client's view of an exception raised outside the HTTP view's error handling
    (a subscription's): coded and masked as `format_error` does."""
    return format_error(GraphQLError(str(exc), original_error=exc), request_id)


def _note_operation(execution_context: Any, context: Any) -> None:
    """Tells the request's context which operation ran (its name and type), for the metrics,
    the trace and the access log; nothing when the document named none."""
    if context is None or not hasattr(context, "operation_name"):
        return
    try:
        context.operation_name = execution_context.operation_name
        context.operation_type = execution_context.operation_type.value
    except (RuntimeError, AttributeError):  # no document, or no operation in it
        pass


class Diagnostics(SchemaExtension):
    """Adds the request id (always), and with the debug setting the database round trips, which
    executor completed the root fields and which worker process answered, to the response's
    ``extensions``."""

    def __init__(self, debug: bool) -> None:
        self.debug = debug

    def get_results(self) -> dict[str, Any]:
        context = self.execution_context.context
        _note_operation(self.execution_context, context)
        out: dict[str, Any] = {"requestId": _request_id(context)}
        gateway = getattr(context, "gateway", None)
        if self.debug and gateway is not None:
            out["roundTrips"] = gateway.round_trips
            out["completions"] = dict(getattr(context, "completions", {}))
            out["worker"] = os.getpid()
        return out
