"""The preview's memo: results looked up by their inputs, one build's worth kept."""

from __future__ import annotations

from fmcat.core import body
from fmcat.core.memo import Memo, active_memo, memoized

CALLS: list[str] = []


@memoized(maxsize=2)
def shout(text: str) -> str:
    CALLS.append(text)
    return text.upper()


def test_a_build_reuses_what_the_last_build_computed_and_forgets_what_it_did_not_use() -> None:
    memo, computed = Memo(), []

    def build(keys: list[str]) -> None:
        memo.turn()
        for key in keys:
            memo.get(key, lambda key=key: computed.append(key) or key)

    build(["a", "b", "c"])
    build(["a", "b"])            # c is not used: it is forgotten
    build(["a", "c"])            # so c is computed again
    assert computed == ["a", "b", "c", "c"]
    assert len(memo) == 3        # this build's a and c, and the last build's b


def test_a_long_session_holds_one_build_worth_however_many_builds_it_sees() -> None:
    memo = Memo()
    for save in range(50):
        memo.turn()
        for record in range(100):
            memo.get(("page", record, save % 3 == 0 and record == 7), object)
    assert len(memo) <= 101


def test_memoized_uses_the_active_memo_only_inside_it() -> None:
    CALLS.clear()
    memo = Memo()
    assert active_memo() is None
    with memo.active():
        assert active_memo() is memo
        assert shout("x") == "X"
        memo.turn()
        for word in ["y", "z", "w", "x"]:  # more than the LRU holds
            shout(word)
    assert active_memo() is None
    assert CALLS == ["x", "y", "z", "w"]  # x came from the last build's results
    assert shout("x") == "X"  # outside: the small LRU, which never saw x
    assert CALLS[-1] == "x"


def test_a_body_scan_is_the_same_with_and_without_the_memo() -> None:
    text = "## Detection\n\nSee [x](FM-0001).\n\n```\n## not a heading\n```\n"
    plain = body.sections(text, 3), body.links(text, 3), body.code_lines(text)
    with Memo().active():
        assert (body.sections(text, 3), body.links(text, 3), body.code_lines(text)) == plain
        found = body.sections(text, 3)
        found.clear()  # a caller's copy: the memoised scan is not changed
        assert body.sections(text, 3) == plain[0]
