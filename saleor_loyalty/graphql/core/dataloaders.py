"""Per-request DataLoaders against N+1 queries, in Saleor's pattern.

``SomeLoader(info.context)`` returns the same loader instance for the whole request (kept in
``context.dataloaders`` under ``context_key``), so every resolver that asks for a key during one
execution shares one batch and one cache. A new request gets new loaders: nothing is cached
across requests, so no stale balance is ever served.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Generic, TypeVar

from promise import Promise
from promise.dataloader import DataLoader as BaseLoader

K = TypeVar("K")
R = TypeVar("R")


class DataLoader(BaseLoader, Generic[K, R]):  # type: ignore[misc]
    """Subclasses set ``context_key`` and implement ``batch_load(keys) -> list`` (same order)."""

    context_key: ClassVar[str]
    context: Any

    def __new__(cls, context: Any) -> DataLoader[K, R]:
        key = getattr(cls, "context_key", None)
        if not key:
            raise TypeError(f"{cls.__name__} does not define a context_key")
        loaders: dict[str, Any] = context.dataloaders
        if key not in loaders:
            loaders[key] = super().__new__(cls)
        loader = loaders[key]
        if not isinstance(loader, cls):
            raise TypeError(f"context_key {key!r} is used by both {type(loader).__name__} and {cls.__name__}")
        return loader

    def __init__(self, context: Any) -> None:
        # __init__ runs on every DataLoader(context) call; set up the batch queue only once.
        if getattr(self, "context", None) is None:
            self.context = context
            super().__init__()

    def batch_load_fn(self, keys: Iterable[K]) -> Promise[list[R]]:  # pylint: disable=method-hidden
        return Promise.resolve(self.batch_load(list(keys)))

    def batch_load(self, keys: list[K]) -> list[R]:
        raise NotImplementedError
