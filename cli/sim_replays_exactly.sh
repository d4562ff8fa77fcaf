#!/bin/bash
# Runs a scenario on the deterministic engine again, with two busy loops eating the machine's CPU
# beside it, and requires its history.jsonl to be byte for byte the first run's (ctest's
# sim/<name>, same seed, no hog): on sim the seed is the whole of a run, and the machine's load and
# its scheduler are not. The history has no wall-clock field, so nothing is left out of the compare.
# Usage: sim_replays_exactly.sh BLUEGREEN SCENARIO_DIR FIRST_RUN_OUT OUT
set -u
bluegreen=$1 dir=$2 first=$3 out=$4
hogs=()
for _ in 1 2; do
  (while :; do :; done) &
  hogs+=($!)
done
trap 'kill "${hogs[@]}" 2>/dev/null' EXIT
rm -rf "$out"
"$bluegreen" verify "$dir" --engine sim --quiet --out "$out" >/dev/null
code=$?
kill "${hogs[@]}" 2>/dev/null
if [[ ! -f $first/history.jsonl || ! -f $out/history.jsonl ]]; then
  echo "a run wrote no history.jsonl (the second exited $code): $first, $out"
  exit 1
fi
if ! cmp -s "$first/history.jsonl" "$out/history.jsonl"; then
  echo "two sim runs of $(basename "$dir") with one seed wrote different histories (the second beside a CPU hog):"
  diff "$first/history.jsonl" "$out/history.jsonl" | head -20 | cut -c1-400
  echo "($(diff "$first/history.jsonl" "$out/history.jsonl" | grep -c '^<') of $(wc -l <"$first/history.jsonl") lines differ)"
  exit 1
fi
echo "$(wc -l <"$out/history.jsonl") lines, byte for byte the same"
