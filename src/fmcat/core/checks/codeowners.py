"""Whether a record's path and stewards can be written into CODEOWNERS safely.

Pure predicates: the checks report them (FMC026, FMC027), and the
governance analysis leaves out of CODEOWNERS what they refuse.
"""

from __future__ import annotations

import re

_CODEOWNER = re.compile(
    r"@[A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?"  # @user or @org/team
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"  # an e-mail address
)


def codeowners_path_problem(path: str) -> str:
    """Why a record's path cannot be a CODEOWNERS pattern as it is; empty if it can.

    A CODEOWNERS line is a pattern and owners split on whitespace, so a space
    or line break in a file name would end the pattern and start owners or a
    new rule of the file name's choosing. GitHub documents no escape for
    spaces, and its CODEOWNERS does not support `\\#`, `!` or `[ ]`, so only
    letters, digits and `. _ - /` are written; `*` and `?` would match other
    records' files.
    """
    bad = sorted({c for c in path if not (c.isalnum() or c in "._-/")})
    if not bad:
        return ""
    shown = ", ".join(repr(c) for c in bad)
    return f"the file path holds {shown}, which CODEOWNERS cannot hold safely"


def is_codeowner(handle: str) -> bool:
    """Whether a steward handle can be written as a CODEOWNERS owner as it is."""
    return _CODEOWNER.fullmatch(handle) is not None
