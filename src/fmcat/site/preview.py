"""The preview's error page: while a save leaves the catalog broken, the
browser shows the findings instead of the last good site.

`fmcat validate` prints the findings in the terminal; a contributor looks at
the browser. So while the last rebuild failed, every page request is
answered with one page that lists each finding (file, line, field, code,
message, hint) and the same text `fmcat validate` prints, and that page
reloads itself when a rebuild succeeds. Serving the last good site instead
would show a page as if the edit had not happened.

`Preview` keeps that state for a serve session; the adapter runs each
rebuild through `Preview.run` and asks `Preview.page` before serving a
request. Everything contributed is escaped by the template.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fmcat.core.findings import Finding, Severity, format_text
from fmcat.site.render import render


@dataclass(frozen=True)
class FindingView:
    where: str
    severity: str
    code: str
    field: str
    message: str
    hint: str
    css_class: str


@dataclass(frozen=True)
class ErrorPage:
    title: str
    lead: str
    findings: list[FindingView]
    text: str


def finding_view(item: Finding) -> FindingView:
    where = f"{item.file}:{item.line}" if item.line else item.file
    css = "fmcat-finding--warning" if item.severity is not Severity.ERROR else ""
    return FindingView(where, item.severity.value, item.code, item.field, item.message,
                       item.hint, css)


def error_page(findings: Sequence[Finding], message: str) -> str:
    """The page served while the catalog has errors (`findings`), or while the
    build failed for another reason (`message` alone)."""
    if findings:
        errors = sum(1 for f in findings if f.severity is Severity.ERROR)
        view = ErrorPage(
            f"The catalog has {errors} error{'s' if errors != 1 else ''}",
            "The site is not rebuilt until they are fixed. This page reloads itself "
            "when the next save builds.",
            [finding_view(f) for f in sorted(findings)], format_text(findings))
    else:
        view = ErrorPage("The site failed to build",
                         "This page reloads itself when the next save builds.", [], message)
    return render("fragments/preview-errors.html", v=view)


class Preview:
    """Whether the last rebuild of a serve session failed, and the page that says why.

    Requests wait while a rebuild runs, so that none is answered from a
    half-built site or with a stale verdict.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._building = False
        self._page: str | None = None
        self._findings: Sequence[Finding] = ()

    def note(self, findings: Sequence[Finding]) -> None:
        """The findings that made the running rebuild fail (called by the adapter)."""
        self._findings = findings

    def run(self, build: Callable[[], object]) -> None:
        """Run one rebuild; remember its failure, if any, and re-raise it."""
        with self._changed:
            self._building, self._findings = True, ()
        page = None
        try:
            build()
        except BaseException as exc:  # MkDocs ends a failed build with SystemExit
            page = error_page(self._findings, str(exc))
            raise
        finally:
            with self._changed:
                self._building, self._page = False, page
                self._changed.notify_all()

    def page(self) -> str | None:
        """The error page to answer every request with, or None if the site is good."""
        with self._changed:
            self._changed.wait_for(lambda: not self._building)
            return self._page
