"""recommend: exact operator boundaries, ranking, unknown signals, both sources."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from fmcat.core.findings import has_errors
from fmcat.core.load import load_catalog
from fmcat.exports.documents import catalog_document, write_api_stream
from fmcat.exports.recommend import (
    DocumentError,
    InputError,
    Knowledge,
    Observation,
    as_data,
    knowledge_from_catalog,
    knowledge_from_document,
    parse_json,
    parse_observations,
    parse_signal_option,
    recommend,
    render_json,
    render_text,
)
from fmcat.exports.schema import SCHEMA_VERSION
from tests.conftest import FIXTURE, REPO


@pytest.fixture(scope="module")
def fixture_document() -> dict[str, Any]:
    return catalog_document(load_catalog(FIXTURE))


def _detector(signal: str, op: str, threshold: float, *, severity: str = "medium",
              action: str = "alert", window: str = "1h") -> dict[str, Any]:
    return {"signal": signal, "op": op, "threshold": threshold, "window": window,
            "severity": severity, "action": action, "scope": ""}


def _with_detectors(document: dict[str, Any], **detectors: list[dict[str, Any]]) -> Knowledge:
    """The fixture document with the detectors of some failure modes replaced."""
    changed = copy.deepcopy(document)
    for item in changed["failure_modes"]:
        key = item["id"].replace("-", "_")
        if key in detectors:
            item["detectors"] = detectors[key]
    return knowledge_from_document(changed)


def _ids(knowledge: Knowledge, *observations: Observation) -> list[str]:
    return [m.mode.id for m in recommend(knowledge, list(observations)).matches]


BOUNDARIES = [
    (">", 0.2, 0.2, False),
    (">", 0.2, 0.20000000000000004, True),
    (">", 0.2, 0.19999999999999998, False),
    (">=", 0.25, 0.25, True),
    (">=", 0.25, 0.24999999999999997, False),
    (">=", 0.25, 0.25000000000000006, True),
    ("<", 0.5, 0.5, False),
    ("<", 0.5, 0.49999999999999994, True),
    ("<", 0.5, 0.5000000000000001, False),
    ("<=", 0.5, 0.5, True),
    ("<=", 0.5, 0.5000000000000001, False),
    ("<=", 0.5, 0.49999999999999994, True),
    (">=", 60, 60, True),
    (">", 0, 0, False),
    ("<", 0, -1e-300, True),
]


@pytest.mark.parametrize(("op", "threshold", "value", "fires"), BOUNDARIES)
def test_operator_boundaries_are_exact(fixture_document: dict[str, Any], op: str,
                                       threshold: float, value: float, fires: bool) -> None:
    knowledge = _with_detectors(fixture_document, FM_0001=[_detector("psi", op, threshold)],
                                FM_0002=[])
    assert _ids(knowledge, Observation("psi", value)) == (["FM-0001"] if fires else [])


@pytest.mark.parametrize(("op", "threshold", "value", "fires"), BOUNDARIES[:12])
def test_operator_boundaries_from_a_loaded_catalog(tmp_path: Path, op: str, threshold: float,
                                                   value: float, fires: bool) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(FIXTURE, root)
    path = root / "entries" / "FM-0001-covariate-shift.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('op: ">="\n    threshold: 0.25',
                                 f'op: "{op}"\n    threshold: {threshold!r}'), encoding="utf-8")
    catalog = load_catalog(root)
    assert not has_errors(catalog.findings)
    knowledge = knowledge_from_catalog(catalog)
    assert knowledge.modes[0].rules[0].op == op
    assert (_ids(knowledge, Observation("psi", value)) == ["FM-0001"]) is fires


def test_a_detector_fires_when_any_observation_satisfies_it(
        fixture_document: dict[str, Any]) -> None:
    knowledge = knowledge_from_document(fixture_document)
    result = recommend(knowledge, [Observation("psi", 0.1, {"feature": "age"}),
                                   Observation("psi", 0.4, {"feature": "income"}),
                                   Observation("psi", 0.3, {"feature": "zip"})])
    (match,) = result.matches
    (fired,) = match.fired
    assert [o.labels["feature"] for o in fired.observations] == ["income", "zip"]
    assert fired.rule.window == "1d"


def test_withdrawn_failure_modes_never_match(fixture_document: dict[str, Any]) -> None:
    knowledge = _with_detectors(fixture_document, FM_0003=[_detector("psi", ">=", 0)])
    assert "FM-0003" not in {m.id for m in knowledge.modes}
    assert _ids(knowledge, Observation("psi", 1.0)) == ["FM-0001"]


def test_ranking_by_severity_then_detectors_fired(fixture_document: dict[str, Any]) -> None:
    # FM-0001 is high, FM-0002 medium: severity wins over the number fired.
    knowledge = _with_detectors(
        fixture_document,
        FM_0001=[_detector("psi", ">=", 0.25)],
        FM_0002=[_detector("psi", ">=", 0.1), _detector("null_rate", ">=", 0.1)])
    observed = (Observation("psi", 0.3), Observation("null_rate", 0.2))
    assert _ids(knowledge, *observed) == ["FM-0001", "FM-0002"]
    # Same severity: more detectors fired ranks first.
    changed = copy.deepcopy(fixture_document)
    for item in changed["failure_modes"]:
        item["severity"] = "medium"
    knowledge = _with_detectors(
        changed, FM_0001=[_detector("psi", ">=", 0.25)],
        FM_0002=[_detector("psi", ">=", 0.1), _detector("null_rate", ">=", 0.1)])
    assert _ids(knowledge, *observed) == ["FM-0002", "FM-0001"]
    # Same severity and count: the more severe fired detector, then the ID.
    knowledge = _with_detectors(
        changed, FM_0001=[_detector("psi", ">=", 0.25, severity="low")],
        FM_0002=[_detector("psi", ">=", 0.1, severity="high")])
    assert _ids(knowledge, Observation("psi", 0.3)) == ["FM-0002", "FM-0001"]
    knowledge = _with_detectors(changed, FM_0001=[_detector("psi", ">=", 0.25)],
                                FM_0002=[_detector("psi", ">=", 0.1)])
    assert _ids(knowledge, Observation("psi", 0.3)) == ["FM-0001", "FM-0002"]


def test_unknown_and_undetected_signals_are_reported(fixture_document: dict[str, Any]) -> None:
    knowledge = knowledge_from_document(fixture_document)
    result = recommend(knowledge, [Observation("psy", 0.3), Observation("null_rate", 0.9),
                                   Observation("psi", 0.01)])
    assert not result.matched
    assert result.unknown_signals == ("psy",)
    assert result.undetected_signals == ("null_rate",)
    text = render_text(result)
    assert "No failure mode matches 3 observed signals." in text
    assert "Unknown signals (not in taxonomy.yml): psy" in text
    assert "Signals no detector uses yet: null_rate" in text
    data = json.loads(render_json(result))
    assert data["matched"] is False
    assert data["unknown_signals"] == ["psy"]
    assert data["undetected_signals"] == ["null_rate"]


def test_a_match_carries_playbooks_case_studies_and_the_mitigation_url(
        fixture_document: dict[str, Any]) -> None:
    result = recommend(knowledge_from_document(fixture_document),
                       [Observation("psi", 0.3, {"feature": "age"})])
    data = as_data(result)
    (match,) = data["matches"]
    assert match["id"] == "FM-0001"
    assert match["mitigation_url"] == "failure-modes/FM-0001/#mitigation"
    assert match["detection_url"] == "failure-modes/FM-0001/#detection"
    assert match["fired"][0]["window"] == "1d"
    assert match["fired"][0]["observations"] == [
        {"signal": "psi", "value": 0.3, "labels": {"feature": "age"}}]
    playbooks = {p["id"]: p for p in match["playbooks"]}
    # Respond and recover come before detect: what to do now first.
    assert [p["id"] for p in match["playbooks"]] == ["MP-0009", "MP-0013"]
    drift = playbooks["MP-0013"]
    assert drift["owner"] == "@fmcat/model-quality"
    assert drift["time_to_remediate"]
    assert 1 <= len(drift["first_steps"]) <= 3
    assert drift["fallback"]
    assert drift["url"] == "playbooks/MP-0013/"
    # CS-0001 applied MP-0013 to FM-0001; nobody has written up MP-0009 for it.
    assert [c["id"] for c in drift["case_studies"]] == ["CS-0001"]
    assert playbooks["MP-0009"]["case_studies"] == []
    text = render_text(result)
    assert "1. FM-0001 Covariate shift" in text
    assert 'observed 0.3 {feature="age"}' in text
    assert "mitigation: failure-modes/FM-0001/#mitigation" in text
    assert "applied before: CS-0001" in text


def test_catalog_and_published_document_give_the_same_answer(tmp_path: Path) -> None:
    catalog = load_catalog(REPO)
    write_api_stream(catalog, tmp_path)
    published = json.loads((tmp_path / "api" / "catalog.json").read_text(encoding="utf-8"))
    observed = [Observation("psi", 0.3), Observation("latency_p99_ms", 2000),
                Observation("guardrail_block_rate", 0.1), Observation("null_rate", 0.05)]
    from_catalog = render_json(recommend(knowledge_from_catalog(catalog), observed))
    from_document = render_json(recommend(knowledge_from_document(published), observed))
    assert from_catalog == from_document


def test_repo_catalog_realistic_signals() -> None:
    knowledge = knowledge_from_catalog(load_catalog(REPO))
    result = recommend(knowledge, [Observation("guardrail_block_rate", 0.1)])
    ids = [m.mode.id for m in result.matches]
    # Both prompt-injection entries are critical and fire two detectors each.
    assert ids[:2] == ["FM-0020", "FM-0021"]
    assert all(m.mode.severity == "critical" for m in result.matches[:2])
    ranks = [m.severity_rank for m in result.matches]
    assert ranks == sorted(ranks, reverse=True)
    assert {"FM-0001", "FM-0012"} <= {m.mode.id for m in recommend(
        knowledge, [Observation("psi", 0.25)]).matches}


def test_a_newer_minor_version_with_extra_fields_still_reads(
        fixture_document: dict[str, Any]) -> None:
    changed = copy.deepcopy(fixture_document)
    changed["schema_version"] = f"{SCHEMA_VERSION.split('.')[0]}.7"
    changed["something_new"] = {"x": 1}
    changed["failure_modes"][0]["new_field"] = True
    assert [m.id for m in knowledge_from_document(changed).modes] == ["FM-0001", "FM-0002"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(schema_version="9.0"), "schema_version '9.0' is not supported"),
    (lambda d: d.pop("taxonomy"), "taxonomy: missing"),
    (lambda d: d["failure_modes"][0]["detectors"][0].update(threshold="high"),
     r"failure_modes\[0\].detectors\[0\].threshold: expected a finite number"),
    (lambda d: d["failure_modes"][0]["detectors"][0].update(op="=="),
     r"failure_modes\[0\].detectors\[0\].op: '==' is not one of"),
    (lambda d: d.update(playbooks={}), "playbooks: expected a list of objects"),
])
def test_unusable_documents_say_where(fixture_document: dict[str, Any], change: Any,
                                      message: str) -> None:
    changed = copy.deepcopy(fixture_document)
    change(changed)
    with pytest.raises(DocumentError, match=message):
        knowledge_from_document(changed)


def test_observations_from_json_and_options() -> None:
    parsed = parse_observations({"signals": [
        {"signal": "psi", "value": 0.3, "labels": {"feature": "age"}},
        {"signal": "null_rate", "value": 1}]})
    assert parsed == [Observation("psi", 0.3, {"feature": "age"}),
                      Observation("null_rate", 1.0)]
    assert parse_observations([{"signal": "psi", "value": 0.1}]) == [Observation("psi", 0.1)]
    assert parse_signal_option(" psi = 0.25 ") == Observation("psi", 0.25)


@pytest.mark.parametrize(("data", "message"), [
    ({"psi": 0.3}, "expected a list"),
    (["psi"], r"input\[0\]: expected an object"),
    ([{"signal": "psi"}], r"input\[0\].value: expected a finite number"),
    ([{"signal": "psi", "value": True}], r"input\[0\].value: expected a finite number"),
    ([{"signal": "psi", "value": "0.3"}], r"input\[0\].value: expected a finite number"),
    ([{"signal": "", "value": 1}], r"input\[0\].signal"),
    ([{"signal": "psi", "value": 1, "label": {}}], "unknown key"),
    ([{"signal": "psi", "value": 1, "labels": {"k": 1}}], "labels: expected an object"),
    ([{"signal": "psi", "value": float("nan")}], "finite"),
])
def test_bad_observations_are_rejected(data: Any, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_observations(data)


@pytest.mark.parametrize("text", ["psi", "psi=", "=0.3", "psi=high", "psi=inf", "psi=nan"])
def test_bad_signal_options_are_rejected(text: str) -> None:
    with pytest.raises(InputError, match="--signal"):
        parse_signal_option(text)


# --- fail closed: input recommend cannot fully evaluate is refused, never skipped -------

DEEP = 100_000


@pytest.mark.parametrize("text", [
    "[" * DEEP + "]" * DEEP,
    '{"a": ' * DEEP + "1" + "}" * DEEP,
    '[{"signal": "psi", "value": ' + "9" * 5000 + "}]",
    '[{"signal": "psi", "value": NaN}]',
    '[{"signal": "psi", "value": Infinity}]',
    '[{"signal": "psi", "value": -Infinity}]',
    "",
    "[1,]",
], ids=["deep-list", "deep-object", "5000-digits", "NaN", "Infinity", "-Infinity", "empty",
        "trailing-comma"])
def test_json_python_cannot_or_should_not_read_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError, match=r"^signals\.json: ") as caught:
        parse_json(text, "signals.json")
    assert "\n" not in str(caught.value)
    assert len(str(caught.value)) < 200


def test_json_parsing_keeps_ordinary_numbers() -> None:
    assert parse_json('{"a": [1, -2, 0.5, 1e3, ' + "9" * 300 + "]}", "x") == {
        "a": [1, -2, 0.5, 1000.0, int("9" * 300)]}


@pytest.mark.parametrize("value", [10**400, -(10**400), float("inf"), float("-inf")])
def test_values_out_of_the_float_range_are_input_errors(value: float) -> None:
    with pytest.raises(InputError, match=r"input\[0\].value: .*finite number"):
        parse_observations([{"signal": "psi", "value": value}])


@pytest.mark.parametrize("text", ["psi=" + "9" * 401, "psi=" + "9" * 5000, "psi=-inf",
                                  "psi=1e999", "psi=true", "psi=0x10"])
def test_bad_signal_values_are_refused_in_one_short_line(text: str) -> None:
    with pytest.raises(InputError, match="--signal") as caught:
        parse_signal_option(text)
    assert len(str(caught.value)) < 200


@pytest.mark.parametrize("threshold", [10**400, float("nan"), float("inf"), float("-inf")])
def test_a_threshold_that_is_not_a_finite_number_is_refused(
        fixture_document: dict[str, Any], threshold: float) -> None:
    # A NaN threshold never fires: the gate would read "nothing matched".
    changed = copy.deepcopy(fixture_document)
    changed["failure_modes"][0]["detectors"][0]["threshold"] = threshold
    with pytest.raises(DocumentError, match=r"failure_modes\[0\].detectors\[0\].threshold"):
        knowledge_from_document(changed)


WRONG_VALUES: list[Any] = [None, True, 10**400, float("nan"), "", [], {}, [{}], ["x"]]


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document, deepest last."""
    found = [path] if path else []
    children: Iterable[tuple[Any, Any]] = (
        node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list)
        else ())
    for key, child in children:
        found.extend(_paths(child, (*path, key)))
    return found


def test_a_document_of_the_wrong_shape_at_any_depth_is_refused_or_read(
        fixture_document: dict[str, Any]) -> None:
    """Whatever is replaced, anywhere, the reader says what is wrong or reads it:
    no other exception escapes, and what it reads can be evaluated and shown."""
    document = copy.deepcopy(fixture_document)
    paths = [path for path in _paths(document) if path[0] != "incidents"]  # never read
    assert len(paths) > 300
    observations = [Observation(s, v) for s in ("psi", "positive_rate") for v in (0.0, 1.0)]
    for path in paths:
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        original = parent[path[-1]]
        for wrong in WRONG_VALUES:
            parent[path[-1]] = wrong
            try:
                knowledge = knowledge_from_document(document)
            except DocumentError as exc:
                assert "\n" not in str(exc), path
                assert len(str(exc)) < 300, (path, wrong)
                continue
            result = recommend(knowledge, observations)
            render_json(result)
            render_text(result)
        parent[path[-1]] = original
    for top in (None, [], "x", 1, [document]):
        with pytest.raises(DocumentError):
            knowledge_from_document(top)  # type: ignore[arg-type]
