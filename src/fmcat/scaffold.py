"""`fmcat new`: a complete template with the next free ID.

The template fails validation until every placeholder is filled in, and its
comments list the allowed values from this catalog's taxonomy, so the
contributor is guided by the same checks that CI runs.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import jinja2

from .catalog import load_catalog
from .model import CASE_STUDY, FAILURE_MODE, PLAYBOOK, Kind

NEW_KINDS = {FAILURE_MODE.name: FAILURE_MODE, PLAYBOOK.name: PLAYBOOK,
             CASE_STUDY.name: CASE_STUDY}

_ID_NUMBER = re.compile(r"^(?:FM|MP|CS)-(\d{4,6})")


class ScaffoldError(Exception):
    pass


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug[:48].rstrip("-") or "untitled"


def next_id(root: Path, kind: Kind) -> str:
    """One more than the highest number ever used, counting retired IDs and
    files that do not parse, because IDs are never reused."""
    highest = 0
    folder = root / kind.folder
    if folder.is_dir():
        for path in folder.rglob("*.md"):
            match = _ID_NUMBER.match(path.name)
            if match and path.name.startswith(kind.prefix):
                highest = max(highest, int(match.group(1)))
    catalog = load_catalog(root)
    for record_id in [*catalog.entries, *catalog.aliases]:
        if record_id.startswith(f"{kind.prefix}-"):
            highest = max(highest, int(record_id.split("-", 1)[1]))
    if highest >= 999_999:
        raise ScaffoldError(f"no free {kind.prefix} ID left")
    return f"{kind.prefix}-{highest + 1:04d}"


def create_record(root: Path, kind_name: str, title: str, *, steward: str = "",
                  today: date | None = None) -> Path:
    kind = NEW_KINDS[kind_name]
    title = " ".join(title.split())
    if len(title) < 3 or re.search(r"[<>]", title):
        raise ScaffoldError("the title must be at least 3 characters of plain text")
    catalog = load_catalog(root)
    if catalog.taxonomy is None:
        raise ScaffoldError("taxonomy.yml does not load; run fmcat validate")
    taxonomy = catalog.taxonomy
    if steward and steward not in taxonomy.stewards:
        raise ScaffoldError(f"unknown steward {steward!r}; known: "
                            + ", ".join(sorted(taxonomy.stewards)))
    record_id = next_id(root, kind)
    path = root / kind.folder / f"{record_id}-{slugify(title)}.md"
    if path.exists():  # pragma: no cover - next_id makes this unreachable
        raise ScaffoldError(f"{path} exists")
    vocab = {name: ", ".join(sorted(taxonomy.vocabulary(name)))
             for name in ("stewards", "categories", "stages", "causes", "data_domain",
                          "model_family", "environment", "customer_segment", "severities",
                          "frequencies", "signals")}
    env = jinja2.Environment(loader=jinja2.PackageLoader("fmcat", "templates"),
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
                             autoescape=False)  # noqa: S701 - YAML/Markdown, values via tojson
    text = env.get_template(f"new/{kind.name}.md").render(
        id=record_id, title=title, steward=steward or sorted(taxonomy.stewards)[0],
        today=(today or date.today()).isoformat(), vocab=vocab)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
