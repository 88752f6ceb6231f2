"""Where the exports that are site files (API documents, drills) are written.

A one-off build writes every file (`SiteFiles`). A preview keeps the site
between saves and writes a file only when its bytes change, and skips
making one whose inputs did not change (`fmcat.site.outputs.KeptFiles`):
both go through this interface, so the exports say what each file is made
from (`inputs`) and never how it is stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


def fingerprint(*parts: str) -> str:
    """A digest of the given texts, in order (a NUL cannot appear in our texts)."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


class SiteFiles:
    """Writes files under `site_dir`, every time."""

    keeps = False
    """Whether `unchanged` can ever be true: if not, working out inputs is wasted."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir

    def unchanged(self, rel: str, inputs: str) -> bool:
        """Whether `rel` was last written from `inputs` and is still there, so that
        the caller need not make it again. A one-off build keeps nothing: never."""
        del rel, inputs
        return False

    def write(self, rel: str, text: str, inputs: str = "") -> None:
        """Write `text` at `rel`; `inputs` is what it was made from (see `unchanged`)."""
        del inputs
        path = self.site_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def read(self, rel: str) -> str:
        return (self.site_dir / rel).read_text(encoding="utf-8")

    @contextmanager
    def stream(self, rel: str) -> Iterator[TextIO]:
        """A file written piece by piece (too large to hold as one string)."""
        path = self.site_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as out:
            yield out
