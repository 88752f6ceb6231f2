"""The second line of defence, in a real browser.

The checks reject unsafe markup (tests/test_safety.py). Here they are told
to let it through, as if a check had a gap, and the hostile entry is built
into a real site and opened in headless Chromium: nothing may execute, no
link may carry a script URL, and template syntax stays text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fmcat.core import checks
from fmcat.core.findings import Finding
from tests.conftest import build_site, serve_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE_BODY = """
## Symptoms

<script>window.__pwned("script tag")</script>
<SCRIPT SRC="data:text/javascript,window.__pwned('script src')"></SCRIPT>
<img src="x" onerror="window.__pwned('img onerror')">
<svg onload="window.__pwned('svg onload')"><circle r="5"/></svg>
<svg><script>window.__pwned('svg script')</script></svg>
<iframe srcdoc="<script>parent.__pwned('iframe srcdoc')</script>"></iframe>
<iframe src="javascript:parent.__pwned('iframe src')"></iframe>
<object data="javascript:window.__pwned('object')"></object>
<embed src="javascript:window.__pwned('embed')">
<details open ontoggle="window.__pwned('details ontoggle')"><summary>x</summary></details>
<p style="background:url(javascript:window.__pwned('style url'))">styled</p>
<style>body { background: url("javascript:window.__pwned('style tag')") }</style>
<form action="javascript:window.__pwned('form')"><button id="evil-button">go</button></form>
<meta http-equiv="refresh" content="0;url=javascript:window.__pwned('meta refresh')">
<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned('mxss')"></style></mglyph></table></mtext></math>

[markdown javascript](javascript:window.__pwned('md link'))
[entity encoded](jav&#x61;script:window.__pwned('entity'))
[data url](data:text/html,<script>window.__pwned('data url')</script>)
<a href="java&#9;script:window.__pwned('tab entity')">tab</a>
<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:window.__pwned('decimal')">dec</a>

## Latent conditions

{{ config.site_name }} {{ ''.__class__.__mro__ }} {% for x in range(3) %}loop{% endfor %}

## Reproduction

1. One.
2. Two.

## Detection

Threshold 0.25.

## Mitigation

See [the drift playbook](MP-0013).

## Rationale

Because.

## Checklist

- [ ] Nothing ran.
"""


def _let_unsafe_markup_through(monkeypatch: pytest.MonkeyPatch) -> None:
    real = checks.find_issues

    def permissive(*args: object, **kwargs: object) -> list[Finding]:
        return [f for f in real(*args, **kwargs)  # type: ignore[arg-type]
                if f.code not in {"FMC044", "FMC050", "FMC051"}]

    monkeypatch.setattr(checks, "find_issues", permissive)


@pytest.fixture
def hostile_site(catalog_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    path = catalog_dir / "entries" / "FM-0001-covariate-shift.md"
    front = path.read_text().split("\n---\n", 1)[0]
    path.write_text(front + "\n---\n" + HOSTILE_BODY)
    _let_unsafe_markup_through(monkeypatch)
    server, url = serve_site(build_site(catalog_dir))
    yield url
    server.shutdown()
    server.server_close()


def test_nothing_executes_in_a_hostile_entry(browser: object, hostile_site: str) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    context.add_init_script(
        "window.__fired = []; window.__pwned = (m) => window.__fired.push(m);"
        "window.alert = (m) => window.__fired.push('alert ' + m);")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(hostile_site + "failure-modes/FM-0001/")
    page.wait_for_load_state("networkidle")
    article = page.locator("article")
    for tag in ["script", "iframe", "object", "embed", "style", "svg", "form", "math"]:
        # The summary card's sparkline is our own SVG, not contributed text.
        assert article.locator(f"{tag}:not(.fmcat-card {tag})").count() == 0, tag
    hrefs = article.locator("a[href]").evaluate_all("els => els.map(e => e.href)")
    assert not [h for h in hrefs if h.replace("\t", "").lower().startswith(
        ("javascript:", "data:"))]
    handlers = article.evaluate(
        "a => [...a.querySelectorAll('*')].flatMap(e => [...e.attributes]"
        ".filter(x => x.name.startsWith('on') || x.name === 'style').map(x => x.name))")
    assert handlers == []
    assert page.evaluate("window.__fired") == []
    assert dialogs == []
    text = article.inner_text()
    assert "{{ config.site_name }}" in text
    assert "looplooploop" not in text
    context.close()
