"""Synthetic catalogs for the benchmark harness.

A synthetic catalog of N failure modes is made from the real starter
catalog: entry i reuses the body and detectors of a real entry (so page
sizes and Markdown features are realistic) under a new ID, with tags, related
entries and incidents drawn with a fixed seed. Links between records are
renumbered from real IDs to synthetic positions (the i-th real entry becomes
FM-000i, wrapping round when N is smaller than the real catalog), so every
link resolves however many entries the real catalog has.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_ENTRY_ID = re.compile(r"\bFM-\d{4}\b")
_RELATED = re.compile(r"^related: \[(.*)\]$", re.MULTILINE)


def _split(path: Path) -> tuple[str, str]:
    match = _FRONT.match(path.read_text(encoding="utf-8"))
    assert match, path
    return match.group(1), path.read_text(encoding="utf-8")[match.end():]


def _set(front: str, key: str, value: str) -> str:
    pattern = re.compile(rf"^{key}:.*$", re.MULTILINE)
    if not pattern.search(front):
        return f"{front}\n{key}: {value}"
    return pattern.sub(lambda _: f"{key}: {value}", front, count=1)


def generate(dest: Path, n_entries: int, *, seed: int = 7) -> Path:
    """Write a complete catalog folder (site config included) with N failure modes."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in ["mkdocs.yml", "taxonomy.yml", "fmcat.yml"]:
        shutil.copy(REPO / name, dest / name)
    for folder in ["docs", "hooks", "playbooks", "case-studies"]:
        shutil.copytree(REPO / folder, dest / folder)
    taxonomy_text = (REPO / "taxonomy.yml").read_text(encoding="utf-8")
    vocab = _vocabularies(taxonomy_text)
    sources = sorted((REPO / "entries").glob("FM-*.md"))
    positions = {path.name[:7]: f"FM-{index % n_entries + 1:04d}"
                 for index, path in enumerate(sources)}
    for folder in ["playbooks", "case-studies"]:
        for path in (dest / folder).glob("*.md"):
            path.write_text(_renumber(path.read_text(encoding="utf-8"), positions),
                            encoding="utf-8")
    (dest / "entries").mkdir()
    for number in range(1, n_entries + 1):
        source = sources[(number - 1) % len(sources)]
        front, body = (_renumber(part, positions) for part in _split(source))
        record_id = f"FM-{number:04d}"
        front = _drop_self(_set(front, "id", record_id), record_id)
        title = re.search(r"^title: (.*)$", front, re.MULTILINE)
        assert title
        base = title.group(1).strip().strip('"')
        if number > len(sources):
            front = _set(front, "title", f'"{base} (variant {number})"')
            for dimension in ["data_domain", "model_family", "environment", "customer_segment"]:
                picks = sorted(rng.sample(vocab[dimension], k=rng.randint(1, 2)))
                front = _set(front, dimension, "[" + ", ".join(picks) + "]")
            related = sorted({f"FM-{rng.randint(1, n_entries):04d}" for _ in range(3)}
                             - {record_id})
            front = _set(front, "related", "[" + ", ".join(related) + "]")
        (dest / "entries" / f"{record_id}-synthetic.md").write_text(
            f"---\n{front}\n---\n{body}", encoding="utf-8")
    _incidents(dest, n_entries, rng)
    return dest


def _renumber(text: str, positions: dict[str, str]) -> str:
    return _ENTRY_ID.sub(lambda match: positions.get(match.group(0), match.group(0)), text)


def _drop_self(front: str, record_id: str) -> str:
    """Renumbering can wrap a related ID onto the entry itself; a record never relates to itself."""
    def keep_others(match: re.Match[str]) -> str:
        ids = [i.strip() for i in match.group(1).split(",") if i.strip() != record_id]
        return "related: [" + ", ".join(dict.fromkeys(ids)) + "]"
    return _RELATED.sub(keep_others, front, count=1)


def _vocabularies(text: str) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    current = None
    for line in text.split("\n"):
        top = re.match(r"^([a-z_]+):\s*$", line)
        if top:
            current = top.group(1)
            result[current] = []
            continue
        value = re.match(r"^  ([a-z0-9-]+):\s*$", line)
        if current and value:
            result[current].append(value.group(1))
    return result


def _incidents(dest: Path, n_entries: int, rng: random.Random) -> None:
    """One incident per ten entries, spread over two years."""
    folder = dest / "incidents"
    sources = sorted((REPO / "incidents").rglob("*.yml"))
    counters: dict[str, int] = {}
    for index in range(max(n_entries // 10, 1)):
        text = sources[index % len(sources)].read_text(encoding="utf-8")
        year = re.search(r"^id: INC-(\d{4})-", text, re.MULTILINE)
        assert year
        counters[year.group(1)] = counters.get(year.group(1), 0) + 1
        record_id = f"INC-{year.group(1)}-{counters[year.group(1)]:04d}"
        text = re.sub(r"^id: .*$", f"id: {record_id}", text, count=1, flags=re.MULTILINE)
        cited = f"FM-{rng.randint(1, n_entries):04d}"
        text = re.sub(r"^failure_modes: .*$", f"failure_modes: [{cited}]", text, count=1,
                      flags=re.MULTILINE)
        text = re.sub(r"^playbooks_used: .*$", "playbooks_used: []", text, count=1,
                      flags=re.MULTILINE)
        path = folder / year.group(1) / f"{record_id}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.dest, args.entries, seed=args.seed)
    print(args.dest)


if __name__ == "__main__":
    main()
