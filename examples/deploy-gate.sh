#!/usr/bin/env bash
# Deploy gate: stop a release when the model's current signals match a
# critical failure mode in the published catalog.
#
#   deploy-gate.sh CATALOG SIGNALS.json
#
# CATALOG is the published catalog (https://catalog.example.com/api/catalog.json)
# or a local catalog.json / built site / catalog folder. SIGNALS.json holds
# what the monitoring job observed for the candidate, e.g.
#   [{"signal": "psi", "value": 0.31, "labels": {"feature": "age"}},
#    {"signal": "guardrail_block_rate", "value": 0.12}]
#
# Exit 0: deploy may proceed (nothing matched, or only below the blocking
#         severities; those matches are printed as warnings).
# Exit 1: blocked; the matching failure modes, owners and mitigation links
#         are printed.
# Exit 2: the gate could not decide (catalog unreachable or unreadable,
#         bad signals file, fmcat or python missing or killed, a result that
#         is not the documented JSON); it fails closed. Only a clean exit 0
#         or 1 of `fmcat recommend` whose JSON output agrees with it lets a
#         deploy through.
#
# FMCAT_BLOCK_SEVERITIES (default "critical") is a comma-separated list of the
# failure-mode severities that block, e.g. "critical,high".
# Needs fmcat (pip install fmcat from the catalog repository), python3 and,
# for a URL, curl.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 CATALOG SIGNALS.json" >&2
  exit 2
fi
source=$1
signals=$2
block=${FMCAT_BLOCK_SEVERITIES:-critical}
python=${PYTHON:-python3}

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT

catalog=$source
if [[ $source == http://* || $source == https://* ]]; then
  catalog=$workdir/catalog.json
  if ! curl --fail --silent --show-error --location --retry 3 --max-time 60 \
      --output "$catalog" "$source"; then
    echo "deploy gate: cannot download $source; failing closed" >&2
    exit 2
  fi
fi

status=0
fmcat recommend --catalog "$catalog" --input "$signals" --format json \
  > "$workdir/result.json" || status=$?
# 0: something matched, 1: nothing matched. Anything else (2 bad input,
# 126/127 fmcat missing, 128+N killed by a signal) means no decision.
if [[ $status -ne 0 && $status -ne 1 ]]; then
  echo "deploy gate: fmcat recommend could not evaluate (exit $status); failing closed" >&2
  exit 2
fi

# The JSON output is documented (version 1.x): matched, matches[] with id,
# title, severity, status, mitigation_url, fired[] and playbooks[]. It is
# checked against the exit status too: a Python traceback also exits 1, and
# must not read as "nothing matched".
verdict=0
"$python" - "$workdir/result.json" "$status" "$block" <<'PY' || verdict=$?
import json
import sys


def fail(why):
    print(f"deploy gate: {why}; failing closed", file=sys.stderr)
    sys.exit(2)


def shown(value):
    """Catalog text as one inert line: no control character from a record reaches
    the log, and no `##[`, which the Actions runner obeys anywhere in a line."""
    text = "".join(c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in str(value))
    return text.replace("##[", "#\\x23[")


path, status = sys.argv[1], int(sys.argv[2])
blocking = {s.strip() for s in sys.argv[3].split(",") if s.strip()}
if not blocking:
    fail("FMCAT_BLOCK_SEVERITIES names no severity")
try:
    with open(path, encoding="utf-8") as handle:
        result = json.load(handle)
    version, matched, matches = result["version"], result["matched"], result["matches"]
    if not (isinstance(version, str) and version.split(".")[0] == "1"):
        raise ValueError(f"result version {version!r} is not 1.x")
    if not isinstance(matches, list) or matched is not bool(matches):
        raise ValueError("'matched' and 'matches' disagree")
    if matched is not (status == 0):
        raise ValueError(f"exit {status} and matched={matched} disagree")
    lines, blocked = [], False
    for match in matches:
        stop = match["severity"] in blocking
        blocked |= stop
        verdict = "BLOCK" if stop else "warn "
        fired = "; ".join(f"{f['signal']} {f['op']} {float(f['threshold']):g}"
                          for f in match["fired"])
        lines.append(f"{verdict} {match['id']} {match['title']} [{match['severity']}]: {fired}")
        lines.append(f"      mitigation: {match['mitigation_url']}")
        for playbook in match["playbooks"][:1]:
            lines.append(f"      first playbook: {playbook['id']} {playbook['title']}, "
                         f"owner {playbook['owner']}")
    unknown = result["unknown_signals"]
    if unknown:
        lines.append("note: unknown signals (typo?): " + ", ".join(map(str, unknown)))
except Exception as exc:  # any surprise in the result is a reason to stop, not to pass
    fail(f"cannot read the result of fmcat recommend ({type(exc).__name__}: {exc})")
if not matches:
    lines.append("deploy gate: no failure mode matches the observed signals")
else:
    lines.append("deploy gate: " + ("BLOCKED" if blocked else "passed with warnings"))
print("\n".join(map(shown, lines)))
sys.exit(1 if blocked else 0)
PY
case $verdict in
  0 | 1) exit "$verdict" ;;
  2) exit 2 ;; # the check said why
  *)
    echo "deploy gate: could not check the result (exit $verdict); failing closed" >&2
    exit 2
    ;;
esac
