"""`fmcat assess PROFILE`: a project's launch risk review, ranked by Action Priority.

Exit codes: 0 no failure mode rated H remains, 1 some H remains (a launch
pipeline gates on it), 2 bad input (an unknown profile value, an unreadable
rules file, a catalog that cannot be assessed): a gate must treat anything
but 0 and 1 as "could not decide".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fmcat.cli.common import (
    BASE_URL_HELP,
    EXIT_FINDINGS,
    EXIT_OK,
    ROOT_HELP,
    Subparsers,
    UsageError,
    base_url,
    catalog_root,
    published_catalog,
    require_valid,
)
from fmcat.cli.recommend import read_json
from fmcat.exports import assess
from fmcat.exports import documents as export


def _index(args: argparse.Namespace) -> assess.AssessIndex:
    if not args.catalog:
        return _index_from_root(catalog_root(args.root))
    path = published_catalog(args.catalog)
    if path.is_dir():
        return _index_from_root(path)
    source = f"--catalog {path}"
    try:
        return assess.index_from_document(read_json(path, source))
    except assess.DocumentError as exc:
        raise UsageError(f"{source}: {exc}") from None


def _index_from_root(root: Path) -> assess.AssessIndex:
    catalog = require_valid(root)
    if catalog is None:
        # A review of part of a catalog could miss the one mode that matters.
        raise UsageError(f"{root}: cannot assess against a catalog with errors")
    try:
        return assess.index_from_catalog(catalog)
    except export.ExportError as exc:
        raise UsageError(f"{root}: cannot assess against this catalog: {exc}") from None


def _read(path: str, option: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"{option}{path}: cannot read ({exc.strerror or exc})") from None


def _profile(path: str, index: assess.AssessIndex, monitored: frozenset[str],
             option: str = "") -> assess.Profile:
    try:
        profile = assess.parse_profile(path, _read(path, option), index)
    except assess.ProfileError as exc:
        raise UsageError(str(exc)) from None
    return profile.monitoring(monitored)


def cmd_assess(args: argparse.Namespace) -> int:
    url = base_url(args.base_url)
    index = assess.rebased(_index(args), url)
    monitored: frozenset[str] = frozenset()
    if args.alerts:
        try:
            monitored = assess.monitored_signals(args.alerts, _read(args.alerts, "--alerts "),
                                                 index)
        except assess.ProfileError as exc:
            raise UsageError(str(exc)) from None
    profile = _profile(args.profile, index, monitored)
    after = _profile(args.after, index, monitored, "--after ") if args.after else None
    if after is not None and after.dimensions != profile.dimensions:
        changed = next(k for k in profile.dimensions
                       if profile.dimensions[k] != after.dimensions[k])
        raise UsageError(f"--after {args.after}: {changed} differs from {args.profile}; "
                         "--after re-rates the same project after action, so only monitors "
                         "and playbooks may change")
    sheet = assess.assess(index, profile, after)
    render = {"json": assess.render_json, "csv": assess.render_csv,
              "markdown": assess.render_markdown}[args.format]
    sys.stdout.write(render(sheet))
    return EXIT_FINDINGS if sheet.high_remaining else EXIT_OK


DESCRIPTION = """\
Select the failure modes that apply to a project, rate severity, occurrence
and detection for it, and rank them by Action Priority (H, M, L): the
launch review worksheet, with the detectors to add, the playbooks to adopt
and the checklist of each.
"""

EPILOG = """\
profile (project.yml):
  name: churn-scoring
  model_family: [tree-ensembles]    # any dimension of taxonomy.yml, same keys as records
  data_domain: [tabular]
  environment: [batch]
  stages: [training, serving]       # optional
  monitors: [psi, null_rate]        # signals already monitored
  playbooks: [MP-0001]              # playbooks already adopted

a failure mode applies when, for every dimension (and stages if given), it
shares a value with the profile; an empty list on either side matches all.

exit codes:
  0  no failure mode rated H remains (after --after, when given)
  1  at least one H remains
  2  bad input: unknown profile value, unreadable rules file or catalog
"""


def register(subparsers: Subparsers[Any]) -> None:
    cmd = subparsers.add_parser(
        "assess", help="a project's launch risk review, ranked by Action Priority",
        description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    cmd.add_argument("profile", metavar="PROFILE", help="the project's profile (project.yml)")
    source = cmd.add_mutually_exclusive_group()
    source.add_argument("--root", help=ROOT_HELP)
    source.add_argument("--catalog", metavar="PATH",
                        help="a catalog folder, a built site, or a published catalog.json")
    cmd.add_argument("--alerts", metavar="RULES.yml",
                     help="a Prometheus rules file: the signals its rules read count as "
                          "monitored")
    cmd.add_argument("--after", metavar="PROFILE",
                     help="the same profile after action: before/after side by side")
    cmd.add_argument("--format", choices=("markdown", "json", "csv"), default="markdown")
    cmd.add_argument("--base-url", help=BASE_URL_HELP)
    cmd.set_defaults(func=cmd_assess)
