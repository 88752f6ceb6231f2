"""Observed signal values, as recommend reads them: `--signal name=value` or JSON.

Every number is checked to be finite here, so evaluation never compares
against NaN or infinity, and every unreadable input becomes an InputError
that names where it is, never a traceback.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_DIGITS = 400
"""Longest integer literal read from JSON. Anything longer is beyond a float's
range (about 1.8e308) anyway, and refusing it while parsing comes before
Python's own limit on converting long digit strings (4,300) raises."""

SHOWN_CHARS = 40
"""How much of a bad value an error message repeats: enough to find it, and
one short line even when the value is megabytes long."""


class InputError(Exception):
    """Observed signals (or a JSON file) that cannot be read."""


class _RefusedLiteralError(ValueError):
    """Raised from inside the JSON parser for a literal recommend will not use."""


def parse_json(text: str, source: str) -> Any:
    """JSON as the standard defines it, or an InputError naming `source`.

    Python's parser also reads NaN and Infinity, which no detector can
    compare against, and raises RecursionError on deep nesting and
    ValueError on integers of more than 4,300 digits; each of those would
    escape as a traceback, which a deploy gate reads as "nothing matched".
    """
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_int=_integer)
    except RecursionError:
        raise InputError(f"{source}: nested too deeply to read") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not JSON ({exc.msg} at line {exc.lineno}, "
                         f"column {exc.colno})") from None
    except _RefusedLiteralError as exc:
        raise InputError(f"{source}: {exc}") from None


def _refuse_constant(name: str) -> Any:
    raise _RefusedLiteralError(f"{name} is not a JSON number; give a finite number")


def _integer(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_DIGITS:
        raise _RefusedLiteralError(f"a number of {digits} digits is out of range")
    return int(text)


def finite_number(value: object) -> float | None:
    """`value` as a finite float, or None if it is not a number or out of range.

    Booleans are not numbers here (JSON `true` is not 1), and an integer
    too large for a float is refused rather than raising OverflowError.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def shown(value: object) -> str:
    """A bad value as an error message repeats it: quoted, escaped and short."""
    try:
        text = repr(value)
    except ValueError:  # an integer too long for Python to print
        return "a number too large to show"
    return text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS - 3]}..."


@dataclass(frozen=True)
class Observation:
    """One observed value of a signal, with the labels that say where it was seen."""

    signal: str
    value: float
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def label_text(self) -> str:
        return ",".join(f'{k}="{v}"' for k, v in sorted(self.labels.items()))


def parse_signal_option(text: str) -> Observation:
    """`'psi=0.31'` → an observation, as given with `--signal`."""
    name, sep, raw = text.partition("=")
    name, raw = name.strip(), raw.strip()
    if not sep or not name or not raw:
        raise InputError(f"--signal {shown(text)}: write name=value, e.g. psi=0.31")
    try:
        value = finite_number(float(raw))
    except ValueError:
        value = None
    if value is None:
        raise InputError(f"--signal {shown(name)}: {shown(raw)} is not a finite number")
    return Observation(name, value, {})


def parse_observations(data: Any, source: str = "input") -> list[Observation]:
    """Observations from JSON: a list of `{signal, value, labels}`, or an object
    with such a list under `signals`."""
    if isinstance(data, Mapping) and "signals" in data:
        data = data["signals"]
    if not isinstance(data, list):
        raise InputError(f"{source}: expected a list of {{signal, value, labels}} objects "
                         "(or an object with that list under 'signals')")
    found = []
    for index, item in enumerate(data):
        where = f"{source}[{index}]"
        if not isinstance(item, Mapping):
            raise InputError(f"{where}: expected an object with signal and value")
        unknown = sorted(set(item) - {"signal", "value", "labels"})
        if unknown:
            raise InputError(f"{where}: unknown key(s) {', '.join(map(shown, unknown[:3]))}; "
                             "allowed: signal, value, labels")
        name, value, labels = item.get("signal"), item.get("value"), item.get("labels", {})
        if not isinstance(name, str) or not name:
            raise InputError(f"{where}.signal: expected a signal name")
        number = finite_number(value)
        if number is None:
            raise InputError(f"{where}.value: expected a finite number, got {shown(value)}")
        if labels is None:
            labels = {}
        if not isinstance(labels, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in labels.items()):
            raise InputError(f"{where}.labels: expected an object of string values")
        found.append(Observation(name, number, dict(labels)))
    return found
