"""`fmcat review due` and `fmcat review sample`: the review cadence."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from fmcat.analysis.governance import (
    DUE_SOON_DAYS,
    by_steward,
    review_queue,
    sample_for_review,
)
from fmcat.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    ROOT_HELP,
    Parser,
    Subparsers,
    UsageError,
    catalog_root,
)
from fmcat.core.clock import build_date
from fmcat.core.inert import escape_text
from fmcat.core.load import load_catalog


def parse_date(value: str) -> date:
    """An argparse type: a YYYY-MM-DD date."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def cmd_review_due(args: argparse.Namespace) -> int:
    catalog = load_catalog(catalog_root(args.root), today=args.today)
    items = review_queue(catalog, args.today)
    grouped = by_steward(items)
    if args.steward:
        if catalog.taxonomy and args.steward not in catalog.taxonomy.stewards:
            raise UsageError(f"unknown steward {args.steward!r}")
        grouped = {args.steward: grouped.get(args.steward, [])}
    for steward, steward_items in grouped.items():
        print(f"{escape_text(steward)} ({len(steward_items)})")
        for item in steward_items:
            print(f"  {item.id}  {item.state:<8}  due {item.due}  {escape_text(item.title)}")
            for reason in item.reasons:
                print(f"      - {escape_text(reason)}")
    if not any(grouped.values()):
        print(f"nothing due on {args.today} or in the next {DUE_SOON_DAYS} days")
    overdue = [item for item in items if item.state == "overdue"
               and (not args.steward or args.steward in item.stewards)]
    if args.check and overdue:
        print(f"{len(overdue)} record(s) overdue for review on {args.today}: review them "
              "and update last_reviewed", file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK


def cmd_review_sample(args: argparse.Namespace) -> int:
    if args.n < 1:
        raise UsageError("--n must be at least 1")
    catalog = load_catalog(catalog_root(args.root), today=args.today)
    for item in sample_for_review(catalog, args.n, seed=args.seed, today=args.today):
        print(f"{item.id}  weight {item.weight:5.2f}  reviewed {item.days_since_review:>4} "
              f"days ago  completeness {item.completeness:4.0%}  {escape_text(item.title)}")
    return EXIT_OK


def register(subparsers: Subparsers[Any]) -> None:
    review = subparsers.add_parser("review", help="review cadence: what is due, what to sample")
    review_sub = review.add_subparsers(dest="review_command", required=True,
                                       parser_class=Parser)
    due = review_sub.add_parser("due", help="overdue, soon-due and revisit-prompted records")
    due.add_argument("--steward", help="only this steward's records")
    due.add_argument("--check", action="store_true",
                     help="exit 1 if any record is overdue (for a scheduled CI job)")
    sample = review_sub.add_parser("sample", help="weighted, reproducible peer-review sample")
    sample.add_argument("--n", type=int, required=True, help="how many records")
    sample.add_argument("--seed", type=int, default=0, help="same seed, same sample")
    for command, func in ((due, cmd_review_due), (sample, cmd_review_sample)):
        command.add_argument("--root", help=ROOT_HELP)
        command.add_argument("--today", type=parse_date, default=build_date(),
                             help="the date to review against (default: today)")
        command.set_defaults(func=func)
