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
#         bad signals file); it fails closed.
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
case $status in
  0) ;;
  1)
    echo "deploy gate: no failure mode matches the observed signals"
    exit 0
    ;;
  *)
    echo "deploy gate: fmcat recommend could not evaluate (exit $status); failing closed" >&2
    exit 2
    ;;
esac

# The JSON output is documented (version 1.0): matches[] with id, title,
# severity, status, mitigation_url, fired[] and playbooks[].
"$python" - "$workdir/result.json" "$block" <<'PY'
import json
import sys

result = json.load(open(sys.argv[1], encoding="utf-8"))
blocking = {s.strip() for s in sys.argv[2].split(",") if s.strip()}
blocked = False
for match in result["matches"]:
    stop = match["severity"] in blocking
    blocked |= stop
    verdict = "BLOCK" if stop else "warn "
    fired = "; ".join(f"{f['signal']} {f['op']} {f['threshold']:g}" for f in match["fired"])
    print(f"{verdict} {match['id']} {match['title']} [{match['severity']}]: {fired}")
    print(f"      mitigation: {match['mitigation_url']}")
    for playbook in match["playbooks"][:1]:
        print(f"      first playbook: {playbook['id']} {playbook['title']}, "
              f"owner {playbook['owner']}")
if result["unknown_signals"]:
    print("note: unknown signals (typo?): " + ", ".join(result["unknown_signals"]))
print("deploy gate: " + ("BLOCKED" if blocked else "passed with warnings"))
sys.exit(1 if blocked else 0)
PY
