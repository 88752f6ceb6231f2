"""Results of pure functions kept across the builds of one preview session.

A save in `mkdocs serve` changes one file, yet every build reads the whole
catalog again: parsing each record, splitting each body into code and text,
writing each record's page. In a preview those results are looked up by
what they are computed from instead, so a save recomputes only what the
saved file (and what reads it) feeds.

A `Memo` is active only inside `Memo.active()`, which the preview session
enters for the parts of a build that run in the build's own thread; a
one-off build never has one, so its memory is what it was. Each build keeps
only what the build before it used (`turn`): a session holds at most two
builds' worth of results, however many saves it sees. Keys are everything the function reads; the
session clears the memo when a file every build reads changes (the
taxonomy, the settings), so keys need not name those.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, cast

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

_ACTIVE: ContextVar[Memo | None] = ContextVar("fmcat_memo", default=None)
_MISSING = object()


class Memo:
    """What the last build computed, by key, and what this build has used so far."""

    def __init__(self) -> None:
        self._kept: dict[Hashable, Any] = {}
        self._used: dict[Hashable, Any] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value for `key`: this build's, the last build's, or `compute()`."""
        try:
            value: T = self._used[key]
            return value
        except KeyError:
            pass
        value = self._kept.pop(key, _MISSING)
        if value is _MISSING:
            value = compute()
        self._used[key] = value
        return value

    def turn(self) -> None:
        """Start a build: keep what the last one used, forget the rest."""
        self._kept, self._used = self._used, {}

    def clear(self) -> None:
        self._kept, self._used = {}, {}

    def __len__(self) -> int:
        return len(self._kept) + len(self._used)

    @contextmanager
    def active(self) -> Iterator[Memo]:
        """Make `memoized` functions called in this thread use this memo."""
        token = _ACTIVE.set(self)
        try:
            yield self
        finally:
            _ACTIVE.reset(token)


def active_memo() -> Memo | None:
    """The memo of the running preview build, if any."""
    return _ACTIVE.get()


def memoized(maxsize: int = 64) -> Callable[[F], F]:
    """Decorate a pure function of hashable positional arguments.

    In a preview build its results come from the session's memo; otherwise
    from a small LRU cache, enough for the few calls one record makes (the
    checks look at one body several times). The result is shared: it must
    be immutable (tuples, frozensets, frozen dataclasses).
    """

    def decorate(function: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(function)

        @functools.wraps(function)
        def call(*args: Hashable) -> Any:
            memo = _ACTIVE.get()
            if memo is None:
                return cached(*args)
            return memo.get((function, args), lambda: function(*args))

        return cast(F, call)

    return decorate
