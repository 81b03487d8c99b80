"""The GraphQL schema of a model, with its limits, caches and error handling, built from
settings: object types, inputs, filters and roots generated from the model served."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from stakegraph.api.extensions import CostLimiter, Diagnostics
from stakegraph.api.filters import build_filters
from stakegraph.api.mutation_inputs import build_inputs
from stakegraph.api.mutations import build_mutation
from stakegraph.api.object_types import ObjectTypes
from stakegraph.api.query import build_query
from stakegraph.api.subscriptions import Subscription
from stakegraph.loaders.tables import tables
from stakegraph.schema.combined import Model
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.disable_introspection import DisableIntrospection
from strawberry.types import ExecutionContext

from stakegraph.settings import Settings


class StakegraphSchema(strawberry.Schema):
    """The schema; errors are coded, masked and logged with the request id by the HTTP view
    (`stakegraph.api.app`) instead of Strawberry's default logger."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


def build_schema(settings: Settings, model: Model | None = None) -> strawberry.Schema:
    """Returns the schema of ``model`` (default: the shipped model) with the limits of
    ``settings``."""
    model = model or Model.shipped()
    filters = build_filters(model)
    types = ObjectTypes(model, filters)
    query = build_query(types, filters)
    mutation = build_mutation(types, build_inputs(tables(model)))
    # Factories, not instances: each request gets fresh extensions (they hold its context).
    limits = settings
    # The alias, depth (and introspection) rules are classes made once here: the limiters make
    # a new rule class per instance, and ValidationCache keys on the rules, so per-request
    # limiters would make every request miss the cache and validate the document again.
    rules = [
        *MaxAliasesLimiter(max_alias_count=limits.api_max_aliases).validation_rules,
        *QueryDepthLimiter(max_depth=limits.api_max_depth).validation_rules,
    ]
    if not settings.api_introspection:
        rules.extend(DisableIntrospection().validation_rules)
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: ParserCache(maxsize=1000),
        lambda: ValidationCache(maxsize=1000),
        lambda: MaxTokensLimiter(max_token_count=limits.api_max_tokens),
        lambda: AddValidationRules(rules),
        lambda: CostLimiter(limits.api_max_cost),
        lambda: Diagnostics(limits.api_debug),
    ]
    kinds = [types[name] for name in ("Person", "Group", "Organisation")]
    kwargs: dict[str, Any] = {"types": kinds, "extensions": extensions}
    if settings.api_fast_completion:
        # Imported only when on: it uses graphql-core 3.3 internals, and turning it off must
        # keep them out of the process entirely.
        from stakegraph.api.execution import FastExecutor

        kwargs["execution_context_class"] = FastExecutor
    return StakegraphSchema(query=query, mutation=mutation, subscription=Subscription, **kwargs)


def sdl(model: Model | None = None) -> str:
    """Returns the schema of ``model`` in SDL; of the shipped model, it is what is committed
    in ``api/schema.graphql``."""
    return build_schema(Settings(), model).as_str() + "\n"


if __name__ == "__main__":
    # `python -m stakegraph.api.schema > api/schema.graphql` refreshes the committed SDL.
    print(sdl(), end="")
