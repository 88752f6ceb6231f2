"""From observed signal values to the failure modes they indicate, and what to do.

A monitoring job, an on-call engineer or a deploy gate has numbers (PSI of
0.31 on a feature, p99 latency of 900 ms); the catalog has detectors written
as thresholds on the same signals. `recommend` evaluates every detector of
every failure mode that is not withdrawn and returns the matches with their
playbooks, so the reader goes from a number to an owner and a first step.

It runs on a loaded `Catalog` or on a published `catalog.json`, so a pipeline
can use the site without a checkout. Both are read into the same small
`Knowledge` (built from the export document, so the two paths cannot
disagree), and evaluation only ever sees that.

The package reads in `knowledge` (the catalog side) and `observations` (the
signal side), matches in `evaluate`, and writes in `report`.
"""

from fmcat.exports.recommend.evaluate import Fired, Match, Recommendation, recommend
from fmcat.exports.recommend.knowledge import (
    CaseRef,
    DetectorRule,
    DocumentError,
    Knowledge,
    Mode,
    PlaybookRef,
    knowledge_from_catalog,
    knowledge_from_document,
)
from fmcat.exports.recommend.observations import (
    InputError,
    Observation,
    finite_number,
    parse_json,
    parse_observations,
    parse_signal_option,
)
from fmcat.exports.recommend.report import RESULT_VERSION, as_data, render_json, render_text

__all__ = [
    "RESULT_VERSION",
    "CaseRef",
    "DetectorRule",
    "DocumentError",
    "Fired",
    "InputError",
    "Knowledge",
    "Match",
    "Mode",
    "Observation",
    "PlaybookRef",
    "Recommendation",
    "as_data",
    "finite_number",
    "knowledge_from_catalog",
    "knowledge_from_document",
    "parse_json",
    "parse_observations",
    "parse_signal_option",
    "recommend",
    "render_json",
    "render_text",
]
