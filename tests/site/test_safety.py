"""Hostile contributed text: rejected with a clear finding, or rendered inert."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup

from fmcat.core.findings import has_errors
from fmcat.core.load import load_catalog
from fmcat.site.sanitize import sanitize_html
from tests.conftest import build_site, read_page

FM1 = "entries/FM-0001-covariate-shift.md"

# Each line is one attack; every one must be refused by the checks.
REJECTED = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<a href="#" onclick="alert(1)">click</a>',
    '<div onmouseover="alert(1)">hover</div>',
    "<iframe src=https://evil.example></iframe>",
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    '<object data="x.swf"></object>',
    "<style>body { display: none }</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](jav&#x61;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="java\tscript:alert(1)">tab</a>',
    "[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "{% raw %}escape{% endraw %}",
]

# Template syntax is not an error: it must be shown literally, never executed.
LITERAL = [
    "{{ config }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ config.extra.fmcat }}",
    "{% for x in range(3) %}loop{% endfor %}",
    "{{ macros_info() }}",
]


def _write_body_line(root: Path, line: str) -> None:
    path = root / FM1
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("## Latent conditions\n", f"## Latent conditions\n\n{line}\n"),
                    encoding="utf-8")


@pytest.mark.parametrize("attack", REJECTED)
def test_unsafe_markup_is_rejected_with_a_finding(catalog_dir: Path, attack: str) -> None:
    _write_body_line(catalog_dir, attack)
    findings = load_catalog(catalog_dir).findings
    codes = {(f.code, f.file) for f in findings if f.severity == "error"}
    assert codes & {("FMC050", FM1), ("FMC051", FM1)}, attack


@pytest.mark.parametrize("attack", REJECTED)
def test_sanitiser_leaves_nothing_active_even_if_a_check_missed_it(attack: str) -> None:
    rendered = markdown.markdown(f"Text.\n\n{attack}\n\nMore [ok](https://example.com).",
                                 extensions=["attr_list", "tables", "md_in_html"])
    clean = sanitize_html(rendered)
    soup = BeautifulSoup(clean, "html.parser")
    for tag in soup.find_all(True):
        assert tag.name not in {"script", "iframe", "object", "embed", "style", "svg"}
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), clean
            assert name != "style", clean
            text = " ".join(value) if isinstance(value, list) else value
            squashed = re.sub(r"\s+", "", text).lower()
            assert not squashed.startswith(("javascript:", "data:", "vbscript:")), clean


@pytest.mark.slow
def test_template_syntax_is_printed_literally_in_a_real_build(catalog_dir: Path) -> None:
    _write_body_line(catalog_dir, "\n\n".join(LITERAL))
    assert not has_errors(load_catalog(catalog_dir).findings)
    site = build_site(catalog_dir, strict=True)
    article = read_page(site, "failure-modes/FM-0001/").select_one("article")
    # Markdown may still format the text (`__x__` is bold); compare without it.
    text = article.get_text().replace("_", "")
    for payload in LITERAL:
        assert payload.replace("_", "") in text, payload
    assert "site_name" not in text and "<class" not in text and "looplooploop" not in text
    assert not article.find_all("script")


def test_a_record_cannot_opt_into_macros(catalog_dir: Path) -> None:
    path = catalog_dir / FM1
    path.write_text(path.read_text().replace("status: active", "status: active\n"
                                             "render_macros: true"))
    codes = {f.code for f in load_catalog(catalog_dir).findings}
    assert "FMC052" in codes


def test_markup_in_titles_is_rejected(catalog_dir: Path) -> None:
    path = catalog_dir / FM1
    path.write_text(path.read_text().replace("title: Covariate shift in input features",
                                             "title: Covariate <img src=x onerror=alert(1)>"))
    findings = [f for f in load_catalog(catalog_dir).findings if f.code == "FMC050"]
    assert findings and findings[0].field == "title"


def test_front_matter_urls_must_be_http(catalog_dir: Path) -> None:
    path = catalog_dir / FM1
    path.write_text(path.read_text().replace("url: https://grafana.example.com/d/feature-drift",
                                             "url: javascript:alert(1)"))
    findings = [f for f in load_catalog(catalog_dir).findings if f.code == "FMC051"]
    assert findings and findings[0].field == "artifacts.0.url"


@pytest.mark.parametrize(("href", "leaves"), [
    ("https://example.com/paper", True),
    ("HTTP://example.com/", True),
    ("//example.com/x", True),
    ("mailto:team@example.com", True),
    ("../FM-0002/", False),
    ("#detection", False),
    ("../../playbooks/MP-0009/#steps", False),
    ("notes.md?a=1&b=2", False),
])
def test_only_links_that_leave_the_site_carry_rel(href: str, leaves: bool) -> None:
    """`rel="noopener noreferrer"` keeps the referrer from other sites; on the
    page's own links (every heading's permalink) it was 27 bytes each for
    nothing (issue #14: entry pages within 40,000 bytes)."""
    rendered = markdown.markdown(
        f'<a title="a > b" class="x" href="{href}">one</a> and [two]({href})\n\n## Heading',
        extensions=["attr_list", "md_in_html", "toc"],
        extension_configs={"toc": {"permalink": True}})
    soup = BeautifulSoup(sanitize_html(rendered), "html.parser")
    links = soup.find_all("a", href=re.compile(re.escape(href.split("&", 1)[0]), re.IGNORECASE))
    assert len(links) == 2, soup
    for link in links:
        assert link.get("rel") == (["noopener", "noreferrer"] if leaves else None), link
    assert soup.select_one("a.headerlink").get("rel") is None
