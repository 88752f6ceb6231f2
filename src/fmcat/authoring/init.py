"""`fmcat init`: a new catalog folder that validates and builds with zero records.

A catalog repository holds content and config only; the checks, pages and
theme come from the installed package. The files written here are package
data (`templates/init/`): the site config, the thin hook that runs the
engine, a taxonomy whose vocabularies start empty, a home page rendered from
the catalog's data, CODEOWNERS, a CI example and a README. `starter=True`
adds this repository's own records, incident log and taxonomy (`starter/`,
links to them in a source checkout, copies in a built package), marked as
example data.
"""

from __future__ import annotations

import json
import shutil
from importlib.resources import files
from pathlib import Path

from pydantic import ValidationError

from fmcat import __version__
from fmcat.analysis.governance import write_codeowners
from fmcat.core.load import load_catalog
from fmcat.core.settings import CatalogSettings

TEMPLATES = Path(str(files("fmcat.authoring").joinpath("templates", "init")))
STARTER = Path(str(files("fmcat.authoring").joinpath("starter")))

STARTER_CONTENT = ("entries", "playbooks", "case-studies", "incidents", "taxonomy.yml",
                   "metrics.yml")
"""What `--starter` copies; `taxonomy.yml` replaces the empty one."""

# Package data cannot hold dot-files reliably (globs skip them), and a
# template that is Python would be imported and linted as part of the package.
_RENAMED = {"github": ".github", "gitignore": ".gitignore"}
_SUFFIX = ".tmpl"


class InitError(Exception):
    """The folder cannot be made a catalog; the message says why, in one line."""


def check_name(name: str) -> str:
    """The catalog's name, if `fmcat.yml` would accept it."""
    try:
        return CatalogSettings(name=name).name
    except ValidationError:
        raise InitError(f"catalog name {name!r}: give one line of visible text, at most "
                        "120 characters") from None


def default_name(dest: Path) -> str:
    """`team-kb` -> `Team kb`: a name to change later in fmcat.yml and mkdocs.yml."""
    words = dest.resolve().name.replace("-", " ").replace("_", " ").strip()
    return (words[:1].upper() + words[1:]) if words else "Catalog"


def init_catalog(dest: Path, *, name: str | None = None, starter: bool = False) -> list[Path]:
    """Write a new catalog into `dest` (absent or empty); return the files written."""
    if dest.exists() and not dest.is_dir():
        raise InitError(f"{dest}: exists and is not a folder")
    if dest.is_dir() and any(dest.iterdir()):
        raise InitError(f"{dest}: not empty; fmcat init writes only into a new or empty folder")
    name = check_name(name if name is not None else default_name(dest))
    values = {
        "__CATALOG_NAME_YAML__": json.dumps(name, ensure_ascii=False),  # a YAML flow scalar
        "__CATALOG_NAME__": name,
        "__EXAMPLE_DATA__": "true" if starter else "false",
        "__FMCAT_VERSION__": __version__,
    }
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(TEMPLATES.rglob("*")):
        if not source.is_file():
            continue
        parts = list(source.relative_to(TEMPLATES).parts)
        parts[0] = _RENAMED.get(parts[0], parts[0])
        parts[-1] = parts[-1].removesuffix(_SUFFIX)
        target = dest.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace(key, value)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    if starter:
        written += _copy_starter(dest)
    # The generated block, from the records' stewards: current from the start,
    # so `fmcat codeowners --check` passes on the new catalog.
    write_codeowners(dest, load_catalog(dest))
    return written


def _copy_starter(dest: Path) -> list[Path]:
    if not all((STARTER / item).exists() for item in STARTER_CONTENT):
        raise InitError("this installation of fmcat carries no starter content; "
                        "run fmcat init without --starter")
    written = []
    for item in STARTER_CONTENT:
        source, target = STARTER / item, dest / item
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
            written += sorted(p for p in target.rglob("*") if p.is_file())
        else:
            shutil.copyfile(source, target)
            written.append(target)
    return written
