#!/usr/bin/env bash
# The steps of action.yml (bluegreen as a GitHub Action), kept here so a test can run them with the
# runner's environment variables set (cli/action_test.cmake).
#   action.sh build   installs and builds the CLI, unless BLUEGREEN_CLI names one already installed
#   action.sh run     runs the deploy folder, appends the verdict to $GITHUB_STEP_SUMMARY, writes
#                     `verdict=` to $GITHUB_OUTPUT, and exits as bluegreen did (0 held, 1 violated,
#                     2 error), which fails the job on VIOLATED or ERROR
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BLUEGREEN_BUILD_DIR:-$source_dir/build}

cli() {
  if [[ -n "${BLUEGREEN_CLI:-}" ]]; then echo "$BLUEGREEN_CLI"; else echo "$build_dir/cli/bluegreen"; fi
}

case "${1:-}" in
  build)
    if [[ -n "${BLUEGREEN_CLI:-}" ]]; then
      [[ -x "$BLUEGREEN_CLI" ]] || { echo "bluegreen action: cli '$BLUEGREEN_CLI' is not an executable" >&2; exit 2; }
      echo "using $BLUEGREEN_CLI"
      exit 0
    fi
    make -C "$source_dir" build-cli BUILD="$build_dir"
    ;;
  run)
    : "${BLUEGREEN_FOLDER:?the folder input is required}" "${GITHUB_STEP_SUMMARY:?not set: not run by a GitHub runner}"
    engine=${BLUEGREEN_ENGINE:-live}
    if [[ "$engine" != live && "$engine" != sim ]]; then
      echo "bluegreen action: engine '$engine' is not one of 'live' and 'sim'" >&2
      exit 2
    fi
    runs=${BLUEGREEN_RUNS:-1}
    if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
      echo "bluegreen action: runs '$runs' is not a whole number of at least 1" >&2
      exit 2
    fi
    out=${BLUEGREEN_OUT:-bluegreen-out}
    args=()
    while IFS= read -r line; do
      line=${line#"${line%%[![:space:]]*}"}
      line=${line%"${line##*[![:space:]]}"}
      [[ -n "$line" ]] && args+=(--set "$line")
    done <<<"${BLUEGREEN_SET:-}"
    code=0
    if ((runs == 1)); then
      "$(cli)" run "$BLUEGREEN_FOLDER" --engine "$engine" --out "$out" "${args[@]}" || code=$?
    else
      "$(cli)" odds "$BLUEGREEN_FOLDER" --engine "$engine" --runs "$runs" --out "$out" "${args[@]}" || code=$?
    fi
    case $code in 0) verdict=held ;; 1) verdict=violated ;; *) verdict=error ;; esac
    echo "verdict=$verdict" >>"${GITHUB_OUTPUT:-/dev/null}"
    if [[ -f "$out/summary.md" ]]; then
      cat "$out/summary.md" >>"$GITHUB_STEP_SUMMARY"
    elif [[ -f "$out/odds.txt" ]]; then
      { echo '```'; cat "$out/odds.txt"; echo '```'; } >>"$GITHUB_STEP_SUMMARY"
    else
      echo "bluegreen: no report was written (exit $code); see the step's log." >>"$GITHUB_STEP_SUMMARY"
    fi
    exit "$code"
    ;;
  *)
    echo "usage: action.sh build|run" >&2
    exit 2
    ;;
esac
